"""Charts as inline SVG strings, drawn on the server: no script, no external service.

Plain Python (no Django): labels are escaped here; views mark the result safe. Only
presentation attributes are used (no style attributes), so the CSP needs no
'unsafe-inline'. Colours come from CSS classes in tawthiq.css.
"""

from html import escape

ROW = 22
LABEL_W = 190
BAR_W = 380


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


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
            f'<text class="chart-label" x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>'
            f'<rect class="chart-bar" x="{LABEL_W}" y="{y + 4}" width="{w}" height="{ROW - 8}" rx="2"/>'
            f'<text class="chart-value" x="{LABEL_W + w + 6}" y="{y + 15}">{value:,}</text>'
        )
    return _svg(LABEL_W + BAR_W + 70, len(items) * ROW, body, title)


def column_chart(series: list[tuple[str, int]], title: str, label_every: int = 12) -> str:
    """Vertical columns (e.g. one per month); every `label_every`-th label is written below."""
    if not series:
        return ""
    height, bottom, left = 160, 24, 40
    width = max(640, left + 6 * len(series))
    step = (width - left) / len(series)
    top = max(v for _, v in series) or 1
    body = [
        f'<line class="chart-axis" x1="{left}" y1="{height}" x2="{width}" y2="{height}"/>',
        f'<text class="chart-value" x="{left - 4}" y="12" text-anchor="end">{top:,}</text>',
    ]
    for i, (label, value) in enumerate(series):
        h = (height - 16) * value / top
        x = left + i * step
        body.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{height - h:.1f}" width="{max(step - 1, 1):.1f}" '
            f'height="{h:.1f}"><title>{escape(str(label))}: {value:,}</title></rect>'
        )
        if i % label_every == 0:
            body.append(f'<text class="chart-label" x="{x:.1f}" y="{height + 16}">{escape(str(label))}</text>')
    return _svg(width, height + bottom, body, title)


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
