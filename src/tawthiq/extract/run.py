"""Running an extraction backend over documents: error isolation and the run's summary.

Django-free: the caller hands in plain document inputs and a `save` function (the store's
`save_extraction`), so one bad document costs one line of output and the rest go on.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from tawthiq.extract.merge import KINDS, merge_results


class BackendUnavailable(Exception):
    """The backend cannot run at all (not configured, endpoint unreachable): stop the run."""


@dataclass(frozen=True)
class DocumentInput:
    doc_id: str
    text: str
    published: date | None = None
    language: str | None = None
    title: str | None = None
    publisher: str | None = None
    protected: bool = False
    ref: object = None  # the caller's handle on the stored document


@dataclass
class Extraction:
    """A backend's result for one document, with what it had to leave out."""

    result: dict
    dropped: int = 0  # items whose quote was not found verbatim in the document
    invalid: int = 0  # items outside the vocabulary or without the required fields
    withheld: bool = False  # a protected document the second backend was not given


class Backend(Protocol):
    name: str

    def extract(self, document: DocumentInput) -> Extraction: ...


class RulesBackend:
    """The deterministic backend: tawthiq.extract.rules."""

    name = "rules"

    def extract(self, document: DocumentInput) -> Extraction:
        try:
            from tawthiq.extract.rules import extract_document
        except ImportError as exc:  # every document would fail the same way
            raise BackendUnavailable(f"the rules backend cannot be loaded: {exc}") from None
        return Extraction(extract_document(
            document.text, document_id=document.doc_id,
            published=document.published.isoformat() if document.published else None,
            language=document.language, title=document.title, publisher=document.publisher,
        ))


class MergedBackend:
    """The rules' result with a second backend's merged in; items keep the name of who found them.

    Protected documents are not sent to the second backend (an outside service, as a
    rule) unless `send_protected`: they get the rules' result alone.
    """

    def __init__(self, extra: Backend, base: Backend | None = None, *, send_protected: bool = False):
        self.base = base or RulesBackend()
        self.extra = extra
        self.name = extra.name
        self.send_protected = send_protected

    def extract(self, document: DocumentInput) -> Extraction:
        base = self.base.extract(document).result
        for kind in KINDS:
            for item in base.get(kind) or []:
                item.setdefault("extractor", self.base.name)
        if document.protected and not self.send_protected:
            return Extraction(base, withheld=True)
        extra = self.extra.extract(document)
        merged = merge_results(base, extra.result, extra_extractor=self.extra.name)
        return Extraction(merged, dropped=extra.dropped, invalid=extra.invalid)


def get_backend(name: str, *, llm_url: str = "", llm_model: str = "", llm_key: str = "",
                send_protected: bool = False) -> Backend:
    """The backend called `name`; BackendUnavailable says why it cannot be used."""
    if name == "rules":
        return RulesBackend()
    if name == "llm":
        from tawthiq.extract.llm import LLMBackend

        if not llm_url.strip():
            raise BackendUnavailable("the llm backend needs TAWTHIQ_LLM_URL (an OpenAI-compatible endpoint)")
        return MergedBackend(LLMBackend(llm_url, model=llm_model, key=llm_key), send_protected=send_protected)
    raise BackendUnavailable(f"unknown backend {name!r} (choose from rules, llm)")


@dataclass
class RunSummary:
    """Totals of one run: documents saved, the store's counts per kind, and what was left out."""

    documents: int = 0
    dropped: int = 0
    invalid: int = 0
    withheld: int = 0
    counts: dict[str, Counter] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    failed: list[tuple[str, str]] = field(default_factory=list)


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def run_extraction(
    documents: Iterable[DocumentInput],
    backend: Backend,
    save: Callable[[DocumentInput, dict, str], dict[str, Counter]],
    on_done: Callable[[DocumentInput, str | None], None] = lambda doc, error: None,
) -> RunSummary:
    """Extract and save each document; a failing document is recorded and the run goes on.

    `save(document, result, extractor)` returns the per-kind counts of what it stored.
    BackendUnavailable stops the run: every further document would fail the same way.
    """
    summary = RunSummary()
    for document in documents:
        error = None
        try:
            extraction = backend.extract(document)
            counts = save(document, extraction.result, backend.name)
        except BackendUnavailable:
            raise
        except Exception as exc:  # one bad document never stops the batch
            error = one_line(exc)
            summary.failed.append((document.doc_id, error))
        else:
            summary.documents += 1
            summary.dropped += extraction.dropped
            summary.invalid += extraction.invalid
            summary.withheld += extraction.withheld
            for kind in KINDS:
                summary.counts[kind].update(counts.get(kind, {}))
        on_done(document, error)
    return summary
