"""The `rules` extraction backend: deterministic, offline, pure Python.

`extract_document(text, document_id=..., published=...)` returns one
`tawthiq-extraction/1` record (see shared/spec/extraction-format.md) with an extra
`key` on every item: a stable fingerprint for idempotent re-runs.
"""

from .extractor import extract_document
from .gazetteers import load as _load_gazetteers


def warm_up() -> None:
    """Load the gazetteers now (about 50 ms) rather than on the first document."""
    _load_gazetteers()


__all__ = ["extract_document", "warm_up"]
