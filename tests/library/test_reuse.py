"""Turning a winner into a draft elsewhere, evergreen re-runs, and the media library."""

import re
from datetime import datetime, timedelta, timezone
from itertools import product

import pytest

import channels.registry as channel_registry
from scheduler.models import ContentItem, Post
from scheduler.models.database import db
from scheduler.services import items as item_store
from scheduler.services import rankings, reuse
from tests.factories import commit, make_plan, make_post
from tests.library.builders import add_items

SOURCES = {
    "twitter": {
        "remote_id": "tw1",
        "title": "",
        "summary": "Our guide to planning a quarter around one theme https://example.com/guides/quarter",
        "link": "https://example.com/guides/quarter",
    },
    "blog": {
        "remote_id": "b1",
        "title": "How to plan a quarter around one theme",
        "content_type": "article",
        "summary": "<p>Planning a quarter around <b>one idea</b> keeps a team honest.</p>"
        "<p>Start with the theme. Then pick the channels. Then count the posts.</p>" * 3,
        "link": "https://blog.example.com/plan-a-quarter/",
    },
    "youtube": {
        "remote_id": "vid00000001",
        "title": "Atlas 2.0 in 4 minutes",
        "content_type": "video",
        "link": "https://www.youtube.com/watch?v=vid00000001",
        "summary": "A four-minute tour.",
        "media": [
            {
                "url": "https://i2.ytimg.com/vi/vid00000001/hqdefault.jpg",
                "type": "image",
                "alt": "Atlas 2.0 in 4 minutes",
            }
        ],
    },
    "mastodon": {
        "remote_id": "https://mastodon.example/@atlas/1",
        "title": "Trois idées pour l'été",
        "summary": "<p>Trois idées pour l'été, en images.</p>",
        "content_type": "image",
        "link": "https://mastodon.example/@atlas/1",
        "media": [{"url": "https://files.example/summer.png", "type": "image", "alt": "Une plage"}],
    },
    "newsletter": {
        "remote_id": "n1",
        "title": "夏季优惠：三个想法",
        "summary": "<p>围绕一个主题规划内容。</p>" * 5,
        "content_type": "email",
        "link": "https://letter.example.com/issues/12",
    },
}


@pytest.fixture
def plan(app):
    plan = make_plan(
        starts_on=(datetime.now(timezone.utc).date() - timedelta(days=10)).isoformat(),
        ends_on=(datetime.now(timezone.utc).date() + timedelta(days=80)).isoformat(),
    )
    for channel in ("twitter", "blog", "newsletter"):
        commit(plan, channel)
    return plan


def item_of(channel):
    return add_items(channel, [SOURCES[channel]])[SOURCES[channel]["remote_id"]]


def test_use_on_makes_a_draft_on_the_plan_with_its_lineage(client, plan):
    item_id = add_items("blog", [dict(SOURCES["blog"], metrics={"impressions": 1000, "clicks": 90})])["b1"]
    answer = client.post(f"/api/v1/library/items/{item_id}/adapt", json={"channel": "twitter", "plan_id": plan.id})
    assert answer.status_code == 201, answer.get_json()
    post = answer.get_json()
    assert post["status"] == "draft" and post["plan_id"] == plan.id and post["source_item_id"] == item_id
    assert post["lineage"]["channel"] == "blog" and post["lineage"]["title"] == SOURCES["blog"]["title"]
    assert post["lineage"]["score"] is not None
    assert post["scheduled_at"], "placed in the channel's next free slot"
    assert post["extra"].get("thread") is True and "blog.example.com/plan-a-quarter" in post["link"]
    assert post["body"].startswith(SOURCES["blog"]["title"]) and "\n---\n" in post["body"], "a thread"
    assert not [p for p in post["problems"] if p["severity"] == "error"]
    editor = client.get(f"/posts/{post['id']}").get_data(as_text=True)
    assert "Made from" in editor and SOURCES["blog"]["title"] in editor


@pytest.mark.parametrize("source, target", list(product(SOURCES, channel_registry.names())))
def test_every_use_on_the_ui_offers_gives_a_draft_that_passes_validation(client, plan, source, target):
    item_id = item_of(source)
    offered = dict(reuse.targets_for(db.session.get(ContentItem, item_id)))
    if offered[target]:
        assert target == "pinterest" and "image" in offered[target].lower(), "only a pin without a picture is refused"
        page = client.get(f"/library/items/{item_id}").get_data(as_text=True)
        option = re.search(rf'<option [^>]*value="{target}"[^>]*>', page).group(0)
        assert " disabled " in option and "title=" in option, "the page offers it greyed out, with why"
        return
    answer = client.post(
        f"/api/v1/library/items/{item_id}/adapt",
        json={
            "channel": target,
            "plan_id": plan.id,
            "scheduled_at": (datetime.now(timezone.utc) + timedelta(days=3)).isoformat(),
        },
    )
    assert answer.status_code == 201, answer.get_json()
    errors = [p for p in answer.get_json()["problems"] if p["severity"] == "error"]
    assert errors == []


def test_a_visual_is_carried_to_every_channel(client, plan):
    item_id = item_of("mastodon")
    for target in ("twitter", "newsletter", "ppc", "bluesky"):
        post = client.post(
            f"/api/v1/library/items/{item_id}/adapt", json={"channel": target, "plan_id": plan.id}
        ).get_json()
        draft = client.post(f"/api/v1/channels/{target}/validate", json=post).get_json()["draft"]
        assert "https://files.example/summer.png" in str(draft), target


def test_use_on_refuses_bad_input_and_saves_nothing(client, plan):
    item_id = item_of("blog")
    answer = client.post(f"/api/v1/library/items/{item_id}/adapt", json={"channel": "fax", "plan_id": 999})
    assert answer.status_code == 422 and set(answer.get_json()["error"]["fields"]) == {"channel", "plan_id"}
    assert (
        client.post("/api/v1/library/items/999/adapt", json={"channel": "blog", "plan_id": plan.id}).status_code == 404
    )
    assert db.session.query(Post).count() == 0


def test_use_on_from_the_item_page(client, plan):
    item_id = item_of("youtube")
    answer = client.post(
        f"/library/items/{item_id}/adapt", data={"channel": "blog", "plan_id": plan.id, "scheduled_local": ""}
    )
    assert answer.status_code == 302
    post = db.session.query(Post).one()
    assert post.channel == "blog" and "youtube.com/watch?v=vid00000001" in post.body
    bad = client.post(
        f"/library/items/{item_id}/adapt", data={"channel": "blog", "plan_id": plan.id, "scheduled_local": "tomorrow"}
    )
    assert bad.status_code == 422 and "When must be a date and a time" in bad.get_data(as_text=True)


def _evergreen(client, item_id, days=30):
    answer = client.patch(f"/api/v1/library/items/{item_id}", json={"evergreen": True, "cooldown_days": days})
    assert answer.status_code == 200 and answer.get_json()["evergreen"] is True


def test_evergreen_items_are_proposed_after_their_cool_down_in_free_slots(client, plan):
    ids = add_items(
        "blog",
        [
            {"remote_id": "old", "title": "An old favourite", "days_ago": 60},
            {"remote_id": "fresh", "title": "A fresh one", "days_ago": 5},
        ],
    )
    _evergreen(client, ids["old"])
    _evergreen(client, ids["fresh"], days=30)
    found = client.get(f"/api/v1/plans/{plan.id}/evergreen").get_json()
    proposed = {p["item_id"]: p for p in found["proposals"]}
    assert ids["old"] in proposed
    tomorrow = datetime.now(timezone.utc) + timedelta(hours=12)
    assert datetime.fromisoformat(proposed[ids["old"]]["at"]) > tomorrow - timedelta(days=1)
    fresh_at = datetime.fromisoformat(proposed[ids["fresh"]]["at"])
    assert fresh_at >= datetime.now(timezone.utc) + timedelta(days=24), "not before its cool-down ends"


def test_evergreen_never_pushes_a_channel_past_its_one_note_ceiling(client, plan):
    commit(plan, "twitter", posts=1, per="week", on_theme_min=0, one_note_max_share=0.5)
    ids = add_items(
        "twitter", [{"remote_id": "summer", "title": "", "summary": "Profitez de l'offre d'été", "days_ago": 90}]
    )
    _evergreen(client, ids["summer"])
    found = client.get(f"/api/v1/plans/{plan.id}/evergreen").get_json()
    assert found["proposals"] == [] and "one-note" in found["not_proposed"][0]["why"]


def test_evergreen_never_repeats_a_message_posted_within_14_days(client, plan, clock_at):
    commit(plan, "twitter", posts=1, per="day", on_theme_min=0, one_note_max_share=1.0)
    text = "Our guide to planning a quarter around one theme takes an afternoon"
    ids = add_items("twitter", [{"remote_id": "guide", "title": "", "summary": text, "days_ago": 90}])
    _evergreen(client, ids["guide"])
    first = client.get(f"/api/v1/plans/{plan.id}/evergreen").get_json()["proposals"][0]
    when = datetime.fromisoformat(first["at"])
    from scheduler.services import posts

    clock_at((when - timedelta(days=2, hours=1)).isoformat())  # scheduled while its time was still to come
    make_post(plan, "twitter", body=text, when=(when - timedelta(days=2)).isoformat())
    posts.schedule_post(db.session.query(Post).one())
    clock_at(datetime.now(timezone.utc).isoformat())
    again = client.get(f"/api/v1/plans/{plan.id}/evergreen").get_json()["proposals"][0]
    assert datetime.fromisoformat(again["at"]) - (when - timedelta(days=2)) > timedelta(days=14)
    page = client.get(f"/plans/{plan.id}/evergreen").get_data(as_text=True)
    assert "Draft it" in page


def test_the_media_library_counts_channels_posts_and_scores(client, plan):
    image = {"url": "https://files.example/summer.png", "type": "image", "alt": "A beach"}
    add_items("mastodon", [{"remote_id": "m1", "media": [image], "metrics": {"impressions": 100, "likes": 9}}])
    add_items("twitter", [{"remote_id": "t1", "media": [image], "metrics": {"impressions": 100, "likes": 3}}])
    make_post(
        plan,
        "twitter",
        body="With the picture",
        extra={"media": [image]},
        when=(datetime.now(timezone.utc) + timedelta(days=2)).isoformat(),
    )
    [visual] = client.get("/api/v1/library/media").get_json()
    per = {c["channel"]: c for c in visual["channels"]}
    assert visual["url"] == image["url"] and set(per) == {"mastodon", "twitter"}
    assert per["twitter"]["items"] == 1 and per["twitter"]["posts"] == 1 and per["mastodon"]["posts"] == 0
    assert per["mastodon"]["mean_score"] is not None
    page = client.get("/library/media").get_data(as_text=True)
    assert "A beach" in page and "2 channels" in page


def test_score_of_an_item_matches_the_list(app, client):
    ids = add_items("blog", [{"remote_id": f"b{n}", "metrics": {"impressions": 100, "clicks": n}} for n in range(5)])
    listed = {i["id"]: i["score"] for i in client.get("/api/v1/library/items?top=5").get_json()}
    item = db.session.get(item_store.ContentItem, ids["b4"])
    assert round(rankings.score_of(item), 1) == listed[ids["b4"]]


def test_use_on_says_where_a_time_the_clocks_skip_goes_out(client):
    plan = make_plan(timezone="America/New_York", starts_on="2027-01-01", ends_on="2027-03-31")
    commit(plan, "blog")
    answer = client.post(
        f"/library/items/{item_of('youtube')}/adapt",
        follow_redirects=True,
        data={"channel": "blog", "plan_id": plan.id, "scheduled_local": "2027-03-14T02:30"},
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "02:30 does not exist on 14 March 2027" in page and "03:30" in page
    post = db.session.query(Post).one()
    assert post.scheduled_at.replace(tzinfo=timezone.utc) == datetime(2027, 3, 14, 7, 30, tzinfo=timezone.utc)
