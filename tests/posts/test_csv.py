"""Posts in and out as CSV: each row checked as the editor checks a post, its problems said by line and
field, the good rows kept; an export imports back as the same posts."""

import base64
import csv
import io

import pytest

from scheduler.cli import cli
from scheduler.services import actor, posts, posts_import, style
from scheduler.services.errors import Invalid, NotFound
from tests.factories import commit, make_person, make_plan, make_post, signed_in

NOW = "2031-05-20T12:00:00+02:00"
HEADER = "channel,title,body,link,scheduled_at,on_theme,extra\n"


@pytest.fixture
def plan(app, clock_at):
    clock_at(NOW)
    plan = make_plan()
    commit(plan, "twitter")
    style.create_entry({"kind": "term_rule", "title": "Never cheap", "avoid": "cheap", "severity": "error"})
    return plan


def problems(result) -> list[tuple[int, str]]:
    return [(p.line, p.field) for p in result.errors]


BAD_AND_GOOD = (
    HEADER
    + "twitter,,Profitez de l'Offre d'été !,,2031-06-02T10:00:00+02:00,,\n"  # 2: good, on theme by keywords
    + 'twitter,,"Deux lignes,\nla suite",,2031-06-02T11:00:00+02:00,false,\n'  # 3-4: good, off by hand
    + "fax,,Hello,,2031-06-02T12:00:00+02:00,,\n"  # 5: no such channel
    + f"twitter,,{'x' * 300},,2031-06-02T12:00:00+02:00,,\n"  # 6: too long for X
    + "twitter,,Our cheap summer,,2031-06-02T12:00:00+02:00,,\n"  # 7: the style guide's error
    + "twitter,,Tags,,2031-06-02T12:00:00+02:00,maybe,{not json\n"  # 8: two cells unreadable
    + "twitter,,,,2031-06-02T12:00:00+02:00,,\n"  # 9: no text
    + "twitter,,Quand ?,,demain,,\n"  # 10: no time
    + 'youtube,Été,La vidéo,https://example.com/v,2031-06-03 18:00,,"{""tags"": [""été""]}"\n'  # 11: good
)


def test_each_bad_row_is_said_by_line_and_field_and_the_good_rows_are_kept(plan):
    result = posts_import.import_posts(BAD_AND_GOOD.encode(), plan.id)
    assert problems(result) == [
        (5, "channel"),
        (6, "body"),
        (7, "body"),
        (8, "on_theme"),
        (8, "extra"),
        (9, "body"),
        (10, "scheduled_at"),
    ]
    messages = {(p.line, p.field): p.message for p in result.errors}
    assert "fax" in messages[5, "channel"] and "280" in messages[6, "body"] and "cheap" in messages[7, "body"]
    assert messages[9, "body"] == "is required"
    assert (result.rows, result.imported, result.rows_refused) == (9, 3, 6)
    tweet, two_lines, video = (posts.get_post(i) for i in result.post_ids)
    assert tweet.status == "draft" and tweet.on_theme and tweet.theme_source == "keywords"
    assert two_lines.body == "Deux lignes,\nla suite" and two_lines.on_theme is False
    assert two_lines.theme_source == "manual"
    assert video.extra == {"tags": ["été"]} and video.title == "Été"
    assert video.scheduled_at.isoformat() == "2031-06-03T16:00:00+00:00", "a time without offset is the plan's"


def test_scheduling_the_good_rows_refuses_a_time_already_past(plan):
    data = (
        HEADER
        + "twitter,,Offre d'été demain,,2031-06-02T10:00:00+02:00,,\n"
        + "twitter,,Offre d'été hier,,2031-05-19T10:00:00+02:00,,\n"
    )
    result = posts_import.import_posts(data.encode(), plan.id, schedule=True)
    assert problems(result) == [(3, "scheduled_at")] and "already past" in result.errors[0].message
    assert result.statuses == {"queued": 1}
    assert posts.get_post(result.post_ids[0]).status == "queued"


def test_a_creators_rows_wait_for_approval_where_the_plan_asks_for_it(plan):
    reviewed = make_plan(name="Reviewed", approval_required=True)
    creator = make_person("chloe@example.com", "creator", "Chloé")
    with actor.acting_as(actor.Actor(creator.id, "Chloé", "creator")):
        result = posts_import.import_posts(BAD_AND_GOOD.encode(), reviewed.id, schedule=True)
    assert result.statuses == {"in_review": 3}
    assert {posts.get_post(i).author_id for i in result.post_ids} == {creator.id}


def test_a_file_that_is_not_one_of_posts_is_refused_whole(plan):
    with pytest.raises(Invalid) as refused:
        posts_import.import_posts(b"name,amount\nA,1\n", plan.id)
    assert "has no channel, body, scheduled_at column" in refused.value.fields["file"]
    with pytest.raises(Invalid):
        posts_import.import_posts(b"", plan.id)
    with pytest.raises(NotFound):
        posts_import.import_posts(BAD_AND_GOOD.encode(), 999)


def test_an_export_imports_back_as_the_same_posts(plan, client):
    make_post(plan, body="Profitez de l'Offre d'été !", when="2031-06-02T10:00:00+02:00")
    make_post(plan, body='Rien à voir, mais "cité"', on_theme=True, when="2031-06-03T10:00:00+02:00")
    make_post(
        plan,
        "youtube",
        title="Été, la vidéo",
        body="Trois lignes\navec des virgules, et\n des espaces",
        link="https://example.com/v?a=1&b=2",
        extra={"tags": ["été", "夏季优惠"]},
        when="2031-06-04T18:30:00+02:00",
    )
    make_post(plan, "newsletter", title="Lettre", body="Bonjour", when="2031-11-04T09:00:00+01:00")
    exported = client.get(f"/plans/{plan.id}/posts.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["scheduled_at"] for r in rows][:1] == ["2031-11-04T09:00:00+01:00"], "newest first, with its offset"
    assert rows[-1]["plan"] == plan.name and rows[-1]["status"] == "draft"

    other = make_plan(name="Copy", starts_on="2031-06-01", ends_on="2031-12-31")
    result = posts_import.import_posts(text.encode(), other.id)
    assert result.errors == [] and result.unused_columns == []
    fields = ("channel", "title", "body", "link", "extra", "scheduled_at", "on_theme", "theme_source")

    def described(plan_id):
        found = posts.list_posts({"plan_id": plan_id})
        return sorted(tuple(str(getattr(p, name)) for name in fields) for p in found)

    assert described(other.id) == described(plan.id)


def test_the_export_follows_the_lists_filters(plan, client):
    make_post(plan, body="Profitez de l'Offre d'été !")
    make_post(plan, "blog", title="Blog", body="Un billet")
    text = client.get(f"/plans/{plan.id}/posts.csv?channel=blog").get_data(as_text=True)
    assert [r["channel"] for r in csv.DictReader(io.StringIO(text))] == ["blog"]
    api = client.get(f"/api/v1/posts/export?plan_id={plan.id}&channel=twitter")
    assert api.status_code == 200
    assert [r["channel"] for r in csv.DictReader(io.StringIO(api.get_data(as_text=True)))] == ["twitter"]


def test_the_api_takes_the_csv_as_json_or_as_the_file(plan, app):
    creator = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    answer = creator.post("/api/v1/posts/import", json={"plan_id": plan.id, "csv": BAD_AND_GOOD})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["imported"], body["drafts"], body["rows_refused"], body["errors_total"]) == (3, 3, 6, 7)
    assert body["errors"][0] == {"line": 5, "field": "channel", "message": body["errors"][0]["message"]}
    encoded = base64.b64encode(BAD_AND_GOOD.encode()).decode()
    again = creator.post("/api/v1/posts/import", json={"plan_id": plan.id, "csv_base64": encoded, "schedule": True})
    assert again.get_json()["scheduled"] == 3
    as_file = creator.post(
        f"/api/v1/posts/import?plan_id={plan.id}", data=BAD_AND_GOOD.encode(), content_type="text/csv"
    )
    assert as_file.status_code == 200 and as_file.get_json()["imported"] == 3
    no_plan = creator.post("/api/v1/posts/import", data=BAD_AND_GOOD.encode(), content_type="text/csv")
    assert no_plan.status_code == 422 and "plan_id" in no_plan.get_json()["error"]["fields"]
    viewer = signed_in(app, make_person("vic@example.com", "viewer", "Vic"))
    assert viewer.post("/api/v1/posts/import", json={"plan_id": plan.id, "csv": BAD_AND_GOOD}).status_code == 403


def test_the_import_page_lists_each_bad_row(plan, client):
    answer = client.post(
        f"/plans/{plan.id}/posts/import",
        data={"file": (io.BytesIO(BAD_AND_GOOD.encode()), "posts.csv"), "then": "draft"},
        content_type="multipart/form-data",
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<strong>3</strong> of the 9 rows" in html
    assert '<td class="num">8</td><td>Channel options</td>' in html, "fields are named as the editor names them"


def test_the_command_line_imports_and_lists_the_bad_rows_on_stderr(plan, runner, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(BAD_AND_GOOD, encoding="utf-8")
    answer = runner.invoke(cli, ["posts", "import", str(path), "--plan", str(plan.id)])
    assert answer.exit_code == 0, answer.output
    assert "imported 3 of 9 rows into plan" in answer.stdout and "6 rows left out" in answer.stdout
    assert "line 5, channel:" in answer.stderr
    only_bad = tmp_path / "bad.csv"
    only_bad.write_text(HEADER + "fax,,Hello,,2031-06-02T12:00:00+02:00,,\n", encoding="utf-8")
    failed = runner.invoke(cli, ["posts", "import", str(only_bad), "--plan", str(plan.id)])
    assert failed.exit_code == 1 and "no row could be imported" in failed.output
    missing = runner.invoke(cli, ["posts", "import", str(path), "--plan", "999"])
    assert missing.exit_code == 1
