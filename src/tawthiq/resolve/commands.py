"""Command-line entry points of this stage (registered in tawthiq.cli)."""

from tawthiq.console import fail


def link() -> None:
    """PLACEHOLDER: replaced by the link implementation."""
    fail("`link` is not built yet")


def import_list() -> None:
    """PLACEHOLDER: replaced by the import_list implementation."""
    fail("`import_list` is not built yet")


def resolve() -> None:
    """PLACEHOLDER: replaced by the resolve implementation."""
    fail("`resolve` is not built yet")
