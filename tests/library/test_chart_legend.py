"""The library's chart says what its bars and colours mean: a legend with every channel it shows."""

import re

from scheduler.web import charts
from tests.library.builders import add_items


def test_the_top_performers_chart_has_a_legend_of_its_channels(client, app):
    add_items("twitter", [{"remote_id": "t1", "metrics": {"impressions": 1000, "likes": 50}}])
    add_items("blog", [{"remote_id": "b1", "metrics": {"views": 900, "replies": 4}}])
    html = client.get("/library").get_data(as_text=True)
    svg = re.search(r'<svg[^>]*aria-label="scores of the top performers".*?</svg>', html, re.S).group(0)
    legend = re.search(r'<g class="legend-keys">.*?</g>', svg, re.S).group(0)
    assert ">Blog<" in legend and ">X / Twitter<" in legend
    assert "bar: the score, 0 to 100, of each item within its channel" in svg
    swatches = re.findall(r'<rect x="\d+" y="\d+" width="12" height="12" fill="(#[0-9a-f]{6})"/>', legend)
    bars = set(re.findall(r'height="14" fill="(#[0-9a-f]{6})"', svg))
    assert set(swatches) == bars and len(swatches) == 2, "each colour of a bar is in the legend"


def test_legend_text_is_escaped():
    legend = charts._channel_legend(["x"], {"x": "<script>"}, 0, 160, 4)
    assert "<script>" not in legend and "&lt;script&gt;" in legend
