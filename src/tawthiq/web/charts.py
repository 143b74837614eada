"""Charts as inline SVG strings, drawn on the server: no script, no external service.

Plain Python (no Django): labels are escaped here; views mark the result safe. Only
presentation attributes are used (no style attributes), so the CSP needs no
'unsafe-inline'. Colours come from CSS classes in tawthiq.css.
"""

from collections.abc import Sequence
from html import escape

# Drawn at (about) the size they are shown on a 1280 px wide screen, so the font size set
# in tawthiq.css is the size read; narrower screens scale the whole chart down.
ROW = 24
LABEL_W = 180
BAR_W = 270
LABEL_CHARS = 22
COLUMN_W = 1100
COLUMN_MAX = 24


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "\u2026"


def bar_chart(items: list[tuple[str, int]], title: str) -> str:
    """Horizontal bars, one per (label, count), longest scaled to the full width."""
    if not items:
        return ""
    top = max(v for _, v in items) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = i * ROW
        w = max(1, round(BAR_W * value / top)) if value else 0
        body.append(
            f'<text class="chart-label" x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end">'
            f"<title>{escape(str(label))}</title>{escape(_short(str(label)))}</text>"
            f'<rect class="chart-bar" x="{LABEL_W}" y="{y + 4}" width="{w}" height="{ROW - 8}" rx="2"/>'
            f'<text class="chart-value" x="{LABEL_W + w + 6}" y="{y + 16}">{value:,}</text>'
        )
    return _svg(LABEL_W + BAR_W + 70, len(items) * ROW, body, title)


def column_chart(series: list[tuple[str, int]], title: str, ticks: Sequence[tuple[int, str]] = ()) -> str:
    """Vertical columns in equal slots (e.g. one per month, zero months left empty).

    Columns are at most COLUMN_MAX wide, centred in their slot, so a short series is not
    a wall of colour; `ticks` are (index, label) pairs written under the axis.
    """
    if not series:
        return ""
    plot_h, top_pad, bottom, left, right = 160, 10, 26, 48, 30
    base = top_pad + plot_h
    slot = (COLUMN_W - left - right) / len(series)
    bar = min(COLUMN_MAX, max(1.0, slot * 0.8))
    top = max(v for _, v in series) or 1
    body = [
        f'<line class="chart-grid" x1="{left}" y1="{top_pad}" x2="{COLUMN_W - right}" y2="{top_pad}"/>',
        f'<text class="chart-value" x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{top:,}</text>',
        f'<text class="chart-value" x="{left - 6}" y="{base + 4}" text-anchor="end">0</text>',
        f'<line class="chart-axis" x1="{left}" y1="{base}" x2="{COLUMN_W - right}" y2="{base}"/>',
    ]
    for i, (label, value) in enumerate(series):
        if value:
            h = plot_h * value / top
            body.append(
                f'<rect class="chart-bar" x="{left + i * slot + (slot - bar) / 2:.1f}" y="{base - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"><title>{escape(str(label))}: {value:,}</title></rect>'
            )
    for i, label in ticks:
        x = left + (i + 0.5) * slot
        body.append(
            f'<line class="chart-axis" x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}"/>'
            f'<text class="chart-label" x="{x:.1f}" y="{base + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(COLUMN_W, base + bottom, body, title)


def weight_bar(weight: float, scale: float) -> str:
    """One comparison's contribution to a match: right (for) or left (against) of a centre line."""
    half = 110
    w = min(half, abs(weight) / (scale or 1) * half)
    x = half if weight >= 0 else half - w
    kind = "for" if weight >= 0 else "against"
    return (
        f'<svg class="weight" viewBox="0 0 {2 * half} 14" width="{2 * half}" height="14" role="img" '
        f'aria-label="weight {weight:+.2f}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="weight-{kind}" x="{x:.1f}" y="2" width="{w:.1f}" height="10"/>'
        f'<line class="chart-axis" x1="{half}" y1="0" x2="{half}" y2="14"/></svg>'
    )
