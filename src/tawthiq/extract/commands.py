"""Command-line entry points of this stage (registered in tawthiq.cli)."""

from tawthiq.console import fail


def extract() -> None:
    """PLACEHOLDER: replaced by the extract implementation."""
    fail("`extract` is not built yet")


def export() -> None:
    """PLACEHOLDER: replaced by the export implementation."""
    fail("`export` is not built yet")
