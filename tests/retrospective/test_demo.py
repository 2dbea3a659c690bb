"""`refrain demo` gives the new-plan form a quarter worth looking back on, whatever day it is built on:
on-theme tweets did better, the newsletter cannot tell, the blog has too few posts, X went one-note, a
pattern of refund requests on chat, and templates (in English, French and Chinese) among the words of the
best posts."""

import time

import pytest

from scheduler.cli import cli
from scheduler.services import demo_kpis, retrospective


@pytest.mark.parametrize("today", ["2031-04-03", "2031-05-10", "2031-06-29"])
def test_the_demos_quarter_before_has_a_retrospective_worth_reading(runner, clock_at, today):
    clock_at(f"{today}T12:00:00+02:00")
    assert runner.invoke(cli, ["demo", "--today", today], catch_exceptions=False).exit_code == 0
    started = time.perf_counter()
    found = retrospective.retrospective()
    print(f"retrospective of the demo's quarter before: {1000 * (time.perf_counter() - started):.0f} ms")
    assert found["plan"]["name"] == demo_kpis.PREVIOUS_NAME and found["plan"]["ended"]
    rows = {row["channel"]: row for row in found["channels"]}
    assert list(rows) == ["twitter", "newsletter", "blog"]
    assert rows["twitter"]["verdict"] == "better" and rows["twitter"]["one_note"]
    assert rows["newsletter"]["verdict"] == "no_clear_difference" and not rows["newsletter"]["one_note"]
    assert rows["blog"]["verdict"] == "too_few"
    assert all(row["unscored"] == 0 for row in rows.values())
    assert found["patterns"][0]["channel"] == "chat" and found["patterns"][0]["flagged"]
    assert any(s["keyword"] for s in found["patterns"][0]["suggestions"])
    topics = {t["keyword"]: t for t in found["topics"]}
    templates = [topics[word] for word in ("templates", "modèles", "模板")]  # English, French, Chinese
    assert not any(t["was_keyword"] for t in templates)
    assert all(t["in_top"] >= 2 for t in templates)
    assert templates[1]["in_rest"] == templates[2]["in_rest"] == 0
    assert topics["atlas"]["was_keyword"], "the old theme's own words are told apart"


def test_building_the_demo_again_replaces_the_quarter_before(runner, clock_at):
    clock_at("2031-05-10T12:00:00+02:00")
    seen = []
    for _ in range(2):
        assert runner.invoke(cli, ["demo", "--today", "2031-05-10"], catch_exceptions=False).exit_code == 0
        found = retrospective.retrospective()
        seen.append([(row["channel"], row["on_theme"]["posts"], row["rest"]["posts"]) for row in found["channels"]])
        seen.append([(p["channel"], p["kind"], p["count"]) for p in found["patterns"]])
    assert seen[0] == seen[2] and seen[1] == seen[3]
    assert seen[0][0] == ("twitter", 17, 8)  # Tuesdays and Thursdays of January to March 2031
