"""Command-line entry points of this stage (registered in tawthiq.cli)."""

from tawthiq.console import fail


def search() -> None:
    """PLACEHOLDER: replaced by the search implementation."""
    fail("`search` is not built yet")


def stats() -> None:
    """PLACEHOLDER: replaced by the stats implementation."""
    fail("`stats` is not built yet")
