"""Accounts and outcomes that say the truth: outbox mode said on every page, an outbox delivery opened
in the app (never a file:// link), and Refrain's own published posts found by an analytics export."""

import dataclasses

from sqlalchemy import select

from channels.base import Outcome
from channels.twitter import STATUS_URL
from scheduler.domain.metrics_csv.presets import PRESETS
from scheduler.models import ContentItem
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.services import items, lifecycle, posts, publishing, runtime
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import BEFORE_THE_PLAN, make_person, make_plan, make_post, signed_in

TWEET_ID = "1859000000000000001"
X_EXPORT = (
    "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,retweets,replies,likes,url clicks\n"
    f'{TWEET_ID},https://twitter.com/atlas/status/{TWEET_ID},"Profitez de l\'Offre",2031-06-03 10:00 +0000,'
    '"1,200",40,3,5,20,12\n'
)


def html_of(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def delivered(plan, clock_at, outcome=None, **fields):
    """A post scheduled, due and delivered: through the outbox, or recorded with the given outcome."""
    clock_at(BEFORE_THE_PLAN)
    post = posts.schedule_post(make_post(plan, **fields))
    clock_at("2031-06-02T10:00:30+02:00")
    if outcome is None:
        assert publishing.deliver_one(post.id) == "published"
    else:
        with unit_of_work():
            lifecycle.claim(post.id, "claimed", utcnow())
        with unit_of_work():
            publishing._record(posts.get_post(post.id), outcome)
    db.session.expire_all()
    return posts.get_post(post.id)


def test_every_page_says_outbox_mode_and_where_the_files_go(client, app):
    plan = make_plan()
    for page in ("/", f"/plans/{plan.id}", "/library", "/accounts", "/style"):
        html = html_of(client.get(page))
        assert "<strong>Outbox mode:</strong> posts are written to" in html and "not published" in html
        assert str(app.config["INSTANCE_PATH"]) in html and 'href="/accounts#delivery"' in html
    assert 'id="delivery"' in html_of(client.get("/accounts"))


def test_nobody_signed_out_is_told_where_the_server_keeps_its_files(anonymous):
    assert "Outbox mode" not in html_of(anonymous.get("/login"))


def test_live_mode_shows_no_banner(client, app):
    bound = runtime.current()
    outbox = bound.settings
    bound.settings = dataclasses.replace(outbox, delivery="live")
    try:
        assert "Outbox mode" not in html_of(client.get("/"))
        assert "runs in <strong>live mode</strong>" in html_of(client.get("/accounts"))
    finally:
        bound.settings = outbox


def test_an_outbox_delivery_opens_in_the_app_for_people_signed_in(client, app, anonymous, clock_at):
    post = delivered(make_plan(), clock_at)
    assert post.remote_url == "" and post.remote_id == f"{post.id}.json"
    editor = html_of(client.get(f"/posts/{post.id}"))
    assert "file://" not in editor
    assert f'Delivered to the outbox (not published): <a href="/posts/{post.id}/delivered">{post.id}.json</a>' in editor
    shown = html_of(client.get(f"/posts/{post.id}/delivered"))
    assert f"&#34;post_id&#34;: {post.id}" in shown and "Profitez de l&#39;Offre d&#39;été" in shown
    viewer = signed_in(app, make_person("viewer@example.com", "viewer"))
    assert viewer.get(f"/posts/{post.id}/delivered").status_code == 200
    assert anonymous.get(f"/posts/{post.id}/delivered").status_code in (302, 401)
    draft = make_post(make_plan(name="Autre"))
    assert client.get(f"/posts/{draft.id}/delivered").status_code == 404


def test_an_x_export_finds_the_tweet_refrain_published_by_the_id_x_gave_it(client, app, clock_at):
    tweet = delivered(make_plan(), clock_at, Outcome.published(remote_id=TWEET_ID, url=STATUS_URL.format(TWEET_ID)))
    assert tweet.status == "published" and tweet.remote_id == TWEET_ID
    items.collect_published()
    item = db.session.scalar(select(ContentItem).where(ContentItem.post_id == tweet.id))
    assert (item.remote_id, item.link) == (TWEET_ID, STATUS_URL.format(TWEET_ID))
    answer = client.post(
        "/api/v1/library/metrics",
        json={
            "csv": X_EXPORT,
            "channel": "twitter",
            "name": "X",
            "mapping": PRESETS["x_post_analytics"].mapping.to_dict(),
        },
    )
    assert answer.status_code == 201 and answer.get_json()["rows_stored"] == 1, answer.get_json()
    db.session.expire_all()
    assert db.session.get(ContentItem, item.id).metrics == {
        "impressions": 1200,
        "clicks": 12,
        "likes": 20,
        "replies": 5,
        "shares": 3,
    }
    page = html_of(client.get(f"/library/items/{item.id}"))
    assert f"<code>{TWEET_ID}</code>" in page and f'href="/posts/{tweet.id}"' in page


def test_a_service_id_without_an_address_still_names_the_item_and_an_outbox_file_never_does(app, clock_at):
    plan = make_plan()
    bare = delivered(plan, clock_at, Outcome.published(remote_id="98765"))
    outbox = delivered(plan, clock_at, body="Une autre offre d'été")
    items.collect_published()
    ids = dict(db.session.execute(select(ContentItem.post_id, ContentItem.remote_id)).all())
    assert ids == {bare.id: "98765", outbox.id: f"refrain-post-{outbox.id}"}


def test_two_posts_a_service_gave_one_id_both_join_the_library_and_the_collection_ends(app, clock_at):
    plan = make_plan()
    first = delivered(plan, clock_at, Outcome.published(remote_id="98765"))
    second = delivered(plan, clock_at, Outcome.published(remote_id="98765"), body="Une autre offre d'été")
    assert items.collect_published() == 2
    assert items.collect_published() == 0
    ids = dict(db.session.execute(select(ContentItem.post_id, ContentItem.remote_id)).all())
    assert ids == {first.id: "98765", second.id: f"refrain-post-{second.id}"}
