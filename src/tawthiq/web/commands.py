"""Command-line entry points of this stage (registered in tawthiq.cli)."""

from typing import Annotated

import typer

from tawthiq.console import err_console, fail, open_store


def serve() -> None:
    """PLACEHOLDER: replaced by the serve implementation."""
    fail("`serve` is not built yet")


def createuser() -> None:
    """PLACEHOLDER: replaced by the createuser implementation."""
    fail("`createuser` is not built yet")


def protect() -> None:
    """PLACEHOLDER: replaced by the protect implementation."""
    fail("`protect` is not built yet")


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
