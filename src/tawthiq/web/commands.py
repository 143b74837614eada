"""Command-line entry points of this stage (registered in tawthiq.cli)."""

from typing import Annotated

import typer

from tawthiq.console import console, err_console, fail, open_store


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    threads: Annotated[int, typer.Option(help="Worker threads.")] = 4,
) -> None:
    """Serve the web application (waitress), after migrating and collecting static files."""
    open_store()
    from django.conf import settings
    from django.core.management import call_command

    if not (0 < port < 65536):
        fail(f"port {port} is out of range (1-65535)")
    if not settings.HTMX_DIR.is_dir():
        err_console.print(
            "[yellow]warning:[/] htmx is not installed (run `make install`); pages work without partial updates",
            highlight=False,
        )
    # Before the WSGI app starts: whitenoise indexes STATIC_ROOT when it is created.
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.core.wsgi import get_wsgi_application
    from waitress import serve as waitress_serve

    application = get_wsgi_application()
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):
        err_console.print(f"[yellow]warning:[/] add {host} to TAWTHIQ_ALLOWED_HOSTS", highlight=False)
    err_console.print(f"Serving Tawthiq on http://{shown}:{port}/ (Ctrl-C to stop)", highlight=False)
    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="tawthiq")
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def createuser(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="admin, editor, analyst or viewer.")] = "viewer",
) -> None:
    """Create a user or update its role and password (password from TAWTHIQ_PASSWORD or a prompt)."""
    import os
    import sys

    open_store()
    from django.contrib.auth import get_user_model

    from tawthiq.web.access import ADMIN, ROLES, set_role

    role = role.strip().lower()
    if role not in ROLES:
        fail(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    username = username.strip()
    if not username:
        fail("the user name is empty")
    password = os.environ.get("TAWTHIQ_PASSWORD", "")
    if not password:
        if not sys.stdin.isatty():
            fail("no password: set TAWTHIQ_PASSWORD or run in a terminal to be prompted")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        fail("the password is shorter than 8 characters")
    user, created = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.is_active = True
    user.is_staff = user.is_superuser = role == ADMIN  # admins also manage users in /admin/
    user.save()
    set_role(user, role)
    console.print(f"{'Created' if created else 'Updated'} user {username} with role {role}", highlight=False)


def protect(
    person: Annotated[int | None, typer.Option("--person", help="Person record id (protects its cluster).")] = None,
    document: Annotated[str | None, typer.Option("--document", help="Document id (doc_id: all versions).")] = None,
    unprotect: Annotated[bool, typer.Option("--unprotect", help="Remove the protection instead.")] = False,
) -> None:
    """Mark a person or a document protected: viewers no longer see it, nor what only it tells."""
    if (person is None) == (document is None):
        fail("give exactly one of --person ID or --document ID")
    open_store()
    from tawthiq.web.access import protect_document, protect_person

    flag = not unprotect
    state = "protected" if flag else "no longer protected"
    if person is not None:
        cluster = protect_person(person, flag)
        if cluster is None:
            fail(f"no person with id {person}")
        console.print(f"Person {person} is {state} (its cluster has {cluster} record(s))", highlight=False)
    else:
        versions = protect_document(document, flag)
        if not versions:
            fail(f"no document with id {document!r}")
        console.print(f"Document {document} is {state} ({versions} version(s))", highlight=False)


def token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for (shown in the admin).")] = "",
) -> None:
    """Print a new API bearer token for USERNAME (shown once; only its hash is kept)."""
    open_store()
    from django.contrib.auth import get_user_model

    from tawthiq.web.models import ApiToken

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fail(f"no user named {username!r}: create one with `tawthiq createuser`")
    if not user.is_active:
        fail(f"user {username!r} is disabled")
    _, raw = ApiToken.issue(user, label)
    err_console.print(f"New API token for {username} (store it now: it is not shown again):", highlight=False)
    print(raw)
