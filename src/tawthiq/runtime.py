"""Start Django for the command line and make sure the schema is current."""

import os

import django


class StoreError(Exception):
    """The database cannot be reached or prepared; the message says why."""


def setup(migrate: bool = True) -> None:
    """Configure Django once; apply pending migrations so a fresh database just works."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tawthiq.settings")
    django.setup()
    if migrate:
        ensure_schema()


def ensure_schema() -> None:
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import Error as DatabaseError

    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            call_command("migrate", verbosity=0, interactive=False)
    except DatabaseError as exc:
        raise StoreError(f"cannot open the database ({connection.vendor}): {exc}".strip()) from exc
