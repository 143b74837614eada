"""Shared terminal output for the CLI: one console, clean one-line errors, store start-up."""

from typing import NoReturn

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error (never a traceback) and leave with a non-zero code."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def open_store() -> None:
    """Start Django and migrate, or fail with the reason the database cannot be used."""
    from tawthiq.runtime import StoreError, setup

    try:
        setup()
    except StoreError as exc:
        fail(str(exc))
