"""Start Django for the command line and make sure the schema is current."""

import os

import django


class StoreError(Exception):
    """The database cannot be reached or prepared; the message says why."""


def setup(migrate: bool = True) -> None:
    """Configure Django once; apply pending migrations so a fresh database just works."""
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tawthiq.settings")
    try:
        django.setup()
    except (ImproperlyConfigured, ValueError) as exc:
        # An unsupported or malformed TAWTHIQ_DATABASE_URL (or a missing driver for it).
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(
            f"cannot use TAWTHIQ_DATABASE_URL ({first_line}); use sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB"
        ) from exc
    if migrate:
        ensure_schema()


def ensure_schema() -> None:
    from django.core.exceptions import ImproperlyConfigured
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
    except (DatabaseError, ImproperlyConfigured) as exc:
        raise StoreError(f"cannot open the database ({connection.vendor}): {exc}".strip()) from exc
