"""Marked-up document text: evidence spans as <mark> links, protected parts blanked.

Plain Python (no Django). Spans may overlap or nest: the text is cut at every span
boundary and each piece is wrapped in one <mark> listing every span that covers it,
linking to the innermost (shortest) one. Every piece of text is HTML-escaped; hidden
ranges (protected persons and their quotes) are replaced by one redaction mark each.
"""

from dataclasses import dataclass
from html import escape

REDACTED = "[protected]"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # person, event, claim, organization, membership, match
    href: str = ""
    label: str = ""


def ranges_of(text: str, strings: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of every string in `text` as (start, end)."""
    found = []
    for s in strings:
        if not s:
            continue
        start = text.find(s)
        while start != -1:
            found.append((start, start + len(s)))
            start = text.find(s, start + 1)
    return found


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def render(text: str, spans: list[Span], hidden: list[tuple[int, int]] = ()) -> str:
    """The text as safe HTML with spans marked and hidden ranges redacted."""
    n = len(text)
    spans = [s for s in spans if 0 <= s.start < s.end <= n]
    hidden = _merge([(max(0, a), min(n, b)) for a, b in hidden if a < b])
    cuts = {0, n}
    for s in spans:
        cuts.update((s.start, s.end))
    for a, b in hidden:
        cuts.update((a, b))
    cuts = sorted(cuts)
    out, h = [], 0
    for a, b in zip(cuts, cuts[1:]):
        while h < len(hidden) and hidden[h][1] <= a:
            h += 1
        if h < len(hidden) and hidden[h][0] <= a < hidden[h][1]:
            if a == hidden[h][0]:
                out.append(f'<span class="redacted">{REDACTED}</span>')
            continue
        piece = escape(text[a:b])
        covering = [s for s in spans if s.start <= a and b <= s.end]
        if not covering:
            out.append(piece)
            continue
        inner = min(covering, key=lambda s: (s.end - s.start, s.kind))
        kinds = " ".join(sorted({f"mark-{s.kind}" for s in covering}))
        title = escape("; ".join(dict.fromkeys(s.label for s in covering if s.label)))
        body = f'<a href="{escape(inner.href)}">{piece}</a>' if inner.href else piece
        depth = " nested" if len(covering) > 1 else ""
        out.append(f'<mark class="{kinds}{depth}" title="{title}">{body}</mark>')
    return "".join(out)


def window(text: str, start: int, end: int, context: int = 200) -> tuple[int, int]:
    """Bounds of the sentence(s) around a span: cut at sentence or line ends within `context`."""
    lo, hi = max(0, start - context), min(len(text), end + context)
    stops = (". ", "\n", "؟ ", "? ", "! ")
    lo = max([lo] + [i + len(s) for s in stops if (i := text.rfind(s, lo, start)) != -1])
    ends = [i + 1 for s in stops if (i := text.find(s, max(end - 1, 0), hi)) != -1]
    return lo, min(ends, default=hi)
