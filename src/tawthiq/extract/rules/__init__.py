"""The `rules` extraction backend: deterministic, offline, pure Python.

`extract_document(text, document_id=..., published=...)` returns one
`tawthiq-extraction/1` record (see shared/spec/extraction-format.md) with an extra
`key` on every item (a stable fingerprint for idempotent re-runs, unique per kind in a
document) and `evidence` on organisations too. English and Arabic-script documents;
anything else gives an empty, valid record. Linear in the length of the text.

Measure it on a folder of documents with gold files:
`python -m tawthiq.extract.rules.evaluate DOCS_DIR [GOLD_DIR]` (see evaluate.py).
"""

from .extractor import extract_document
from .gazetteers import load as _load_gazetteers


def warm_up() -> None:
    """Load the gazetteers now (about 50 ms) rather than on the first document."""
    _load_gazetteers()


__all__ = ["extract_document", "warm_up"]
