"""Every server-side chart carries the numbers it draws, in a table only screen readers see: its text
alternative. Outside a request the words stay English; every cell is escaped."""

import re

from scheduler.web import charts, kpi_charts, retrospective_charts

HOSTILE = "<script>alert(1)</script>"


def numbers(markup) -> list[list[str]]:
    text = str(markup)
    assert text.count('<div class="sr-only chart-numbers"><table class="numbers">') == 1, text[-400:]
    table = text[text.index("<table") :]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)]


def test_the_coverage_chart_and_the_weekly_chart_give_their_figures():
    row = {"channel": "twitter", "floor": 0.25, "ceiling": 0.5, "coverage_ratio": 0.3, "coverage_band": "in_band"}
    assert numbers(charts.coverage_chart([row], labels={"twitter": HOSTILE}))[1] == [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "30%",
        "25%",
        "50%",
        "in the band",
    ]
    weeks = [
        {"week_start": "2031-06-02", "committed": 28, "posts": 20, "published": 12, "coverage_ratio": 0.25},
        {"week_start": "2031-06-09", "committed": 28, "posts": 3, "published": 0, "timing": "future"},
    ]
    assert numbers(charts.weekly_chart(weeks))[1:] == [
        ["2031-06-02", "28", "20", "12", "25%"],
        ["2031-06-09 (planned)", "28", "3", "0", "–"],
    ]


def test_the_indicators_and_the_retrospective_give_their_figures():
    kpi = {
        "name": "clicks",
        "label": "Clicks",
        "unit": "",
        "months": [{"month": "2031-04", "actual": 1200.0, "target": 1000.0, "previous": None, "missed": False}],
    }
    assert numbers(kpi_charts.kpi_chart(kpi))[1] == ["2031-04", "1,200", "1,000", "–"]
    rows = [
        {
            "channel": "blog",
            "interval": (2.5, 11.0),
            "difference": 6.8,
            "verdict": "better",
            "on_theme": {"mean": 61.2},
            "rest": {"mean": 54.4},
        },
        {"channel": "ppc", "interval": None, "difference": None, "verdict": None},
    ]
    assert numbers(retrospective_charts.difference_chart(rows))[1:] == [
        ["blog", "61", "54", "+6.8", "+2.5 to +11.0"],
        ["ppc", "–", "–", "too few to say", "–"],
    ]
