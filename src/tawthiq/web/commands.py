"""Command-line entry points of this stage (registered in tawthiq.cli)."""

from tawthiq.console import fail


def serve() -> None:
    """PLACEHOLDER: replaced by the serve implementation."""
    fail("`serve` is not built yet")


def createuser() -> None:
    """PLACEHOLDER: replaced by the createuser implementation."""
    fail("`createuser` is not built yet")


def protect() -> None:
    """PLACEHOLDER: replaced by the protect implementation."""
    fail("`protect` is not built yet")


def token() -> None:
    """PLACEHOLDER: replaced by the token implementation."""
    fail("`token` is not built yet")
