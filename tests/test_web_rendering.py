"""Pure rendering helpers of the web app: marked-up text and SVG charts."""

import datetime as dt
import re

from tawthiq.analyse.dashboard import month_series, top_with_rest
from tawthiq.web.charts import bar_chart, column_chart, weight_bar
from tawthiq.web.highlight import Span, ranges_of, render, window


def test_overlapping_spans_are_cut_and_linked_to_the_innermost():
    text = "Captain Zaid defected."
    html = render(text, [Span(0, 12, "person", "/p/1", "Zaid"), Span(0, 22, "event", "/e/1", "defection")])
    assert html.startswith('<mark class="mark-event mark-person nested" title="Zaid; defection"><a href="/p/1">Captain Zaid</a></mark>')
    assert '<mark class="mark-event" title="defection"><a href="/e/1"> defected.</a></mark>' in html


def test_text_and_labels_are_escaped_and_hidden_ranges_redacted():
    text = "<script>x</script> said Nasim & Nasim."
    html = render(text, [Span(0, 8, "claim", "/c/1?a=1&b=2", 'say "hi"')], ranges_of(text, ["Nasim"]))
    assert "<script>" not in html and "&lt;script&gt;" in html and "/c/1?a=1&amp;b=2" in html
    assert "&quot;hi&quot;" in html and "Nasim" not in html
    assert html.count("[protected]") == 2 and "&amp;" in html


def test_redaction_wins_over_marks_and_adjacent_hidden_ranges_merge():
    text = "abc def ghi"
    html = render(text, [Span(0, 11, "event", "/e", "")], [(4, 7), (6, 9)])
    assert html.count("[protected]") == 1 and "def" not in html and "gh" not in html and "abc" in html


def test_window_cuts_at_sentence_ends():
    text = "One thing. Captain X defected in 2012. He fled."
    lo, hi = window(text, text.index("Captain"), text.index("Captain") + 9)
    assert text[lo:hi] == "Captain X defected in 2012."


def test_charts_are_svg_without_style_attributes_and_escape_labels():
    svg = bar_chart([("<b>", 3), ("b", 1)], "t")
    assert svg.startswith("<svg") and "&lt;b&gt;" in svg and "style=" not in svg
    assert column_chart([("Jan 2012", 0), ("Feb 2012", 4)], "m").count("<rect") == 1  # zero months stay empty
    assert 'class="weight-against"' in weight_bar(-2, 4) and bar_chart([], "x") == ""


def rects(svg: str) -> list[tuple[float, float]]:
    """(x, width) of every bar."""
    return [(float(x), float(w)) for x, w in re.findall(r'<rect class="chart-bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)]


def test_column_width_is_capped_and_centred_in_its_slot():
    svg = column_chart([("Mar 2012", 7)], "m", [(0, "Mar 2012")])
    [(x, w)] = rects(svg)
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    assert w <= 24 < width / 10  # not a block filling the chart
    assert abs((x + w / 2) - width / 2) < width / 10  # the one slot's centre, not the left edge
    assert ">Mar 2012</text>" in svg and ">7</text>" in svg  # tick label and y-axis maximum


def test_many_columns_narrow_and_stay_inside_the_chart():
    series = [(f"m{i}", i % 7 + 1) for i in range(400)]
    svg = column_chart(series, "m", [(i, str(i)) for i in range(0, 400, 48)])
    bars = rects(svg)
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    assert len(bars) == 400 and all(w < 24 for _, w in bars)
    assert all(x1 + w1 <= x2 for (x1, w1), (x2, _) in zip(bars, bars[1:]))  # no overlap, in order
    assert bars[-1][0] + bars[-1][1] <= width and svg.count('text-anchor="middle"') == 9


def test_bar_chart_is_drawn_at_its_shown_size_and_shortens_long_labels():
    long = "a governorate with a very long name"
    svg = bar_chart([(long, 2), ("b", 1)], "t")
    assert re.search(r'viewBox="0 0 (\d+) (\d+)" width="\1" height="\2"', svg)  # 1 unit = 1 CSS px
    assert f"<title>{long}</title>" in svg and f">{long}</text>" not in svg and "\u2026</text>" in svg


def test_month_series_fills_gaps_and_rest_is_summed():
    series = month_series({dt.date(2012, 11, 1): 2, dt.date(2013, 2, 1): 1})
    assert series == [(dt.date(2012, 11, 1), 2), (dt.date(2012, 12, 1), 0), (dt.date(2013, 1, 1), 0), (dt.date(2013, 2, 1), 1)]
    assert top_with_rest([("a", 5), ("b", 3), ("c", 2), ("d", 1)], 2) == [("a", 5), ("b", 3), ("other", 3)]
    assert top_with_rest([("a", 5)], 2) == [("a", 5)]
