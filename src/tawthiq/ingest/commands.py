"""Command-line entry points of this stage (registered in tawthiq.cli)."""

from tawthiq.console import fail


def ingest() -> None:
    """PLACEHOLDER: replaced by the ingest implementation."""
    fail("`ingest` is not built yet")
