"""Feed import: real HTTP from a local server, real RQ jobs on the real Redis, the database as truth."""

from sqlalchemy import func, select

from scheduler import reconfigure
from scheduler.jobs.workers import run_worker
from scheduler.models import ContentItem, Feed, ItemMetric
from scheduler.models.database import db
from scheduler.services import feeds, runtime
from tests.library.feeds import blog_rss, mastodon_rss, youtube_atom

POSTS = [
    {"slug": f"post-{n}", "title": f"Guide number {n}", "summary": f"<p>All about <b>topic {n}</b>.</p>", "days": n}
    for n in range(12)
]


def add(client, url, channel="blog"):
    answer = client.post("/api/v1/library/feeds", json={"url": url, "channel": channel})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def items(channel=None):
    db.session.expire_all()
    query = select(ContentItem).order_by(ContentItem.id)
    return list(db.session.scalars(query.where(ContentItem.channel == channel) if channel else query))


def test_a_blog_feed_is_imported_by_a_worker_and_shown(app, client, feed_host):
    url = feed_host.serve("/feed.xml", blog_rss(POSTS))
    feed = add(client, url)
    assert feed["status"] == "new"
    assert runtime.queues().jobs_alive([feeds.refresh_job_id(feed["id"])]), "the import waits in Redis for a worker"
    run_worker(app, burst=True)

    shown = client.get(f"/api/v1/library/feeds/{feed['id']}").get_json()
    assert shown["status"] == "ok" and shown["items"] == 12 and shown["title"] == "The Atlas blog"
    assert shown["progress"] == {"done": 12, "total": 12}
    listed = client.get("/api/v1/library/items?channel=blog").get_json()
    assert {i["title"] for i in listed} == {p["title"] for p in POSTS}
    first = next(i for i in listed if i["title"] == "Guide number 0")
    assert first["link"] == "https://blog.example.com/post-0/"
    assert first["published_at"].startswith("2026-10-01T09:00:00")
    page = client.get(f"/library/feeds/{feed['id']}").get_data(as_text=True)
    assert "Guide number 11" in page and "The Atlas blog" in page


def a_minute_later(app, feed_id):
    """What a minute does to "Refresh now": its Redis note that the feed was just refreshed expires."""
    queues = app.extensions["refrain.queue"]
    queues.connection.delete(queues.key(f"feed-refresh:{feed_id}"))


def test_importing_again_updates_items_and_never_duplicates_them(app, client, feed_host):
    url = feed_host.serve("/feed.xml", blog_rss(POSTS), ETag='"v1"')
    feed = add(client, url)
    run_worker(app, burst=True)
    assert len(items()) == 12

    assert client.post(f"/api/v1/library/feeds/{feed['id']}/refresh").status_code == 202
    run_worker(app, burst=True)
    assert feed_host.requests[-1]["headers"].get("If-None-Match") == '"v1"', "a conditional GET"
    assert len(items()) == 12

    changed = [dict(p, title=p["title"] + " (updated)") if p["slug"] == "post-3" else p for p in POSTS]
    feed_host.serve(
        "/feed.xml", blog_rss(changed + [{"slug": "post-new", "title": "A new one", "days": 20}]), ETag='"v2"'
    )
    a_minute_later(app, feed["id"])
    assert client.post(f"/api/v1/library/feeds/{feed['id']}/refresh").status_code == 202
    run_worker(app, burst=True)
    titles = [i.title for i in items()]
    assert len(titles) == 13 and "Guide number 3 (updated)" in titles and "A new one" in titles


def test_a_youtube_feed_brings_views_and_likes_as_metrics(app, client, feed_host):
    videos = [
        {"id": "vid00000001", "title": "Atlas in 4 minutes", "views": 1200, "likes": 80},
        {"id": "vid00000002", "title": "Offre d'été : le tour", "views": 300, "likes": 3, "days": 3},
    ]
    feed = add(
        client,
        feed_host.serve(
            "/feeds/videos.xml?channel_id=UCatlas", youtube_atom(videos), content_type="application/atom+xml"
        ),
        channel="youtube",
    )
    run_worker(app, burst=True)
    stored = {i.remote_id: i for i in items("youtube")}
    assert {i.metrics["views"] for i in stored.values()} == {1200, 300}
    assert any(i.metrics.get("likes") == 80 for i in stored.values())
    assert all(i.content_type == "video" for i in stored.values())

    assert client.post(f"/api/v1/library/feeds/{feed['id']}/refresh").status_code == 202  # same day: replaced
    run_worker(app, burst=True)
    assert db.session.scalar(select(func.count()).select_from(ItemMetric)) == 2


def test_item_html_is_sanitised_before_it_is_ever_shown(app, client, feed_host):
    hostile = [
        {
            "slug": "x",
            "title": "<b>Bold</b> title",
            "summary": '<p onclick="steal()">Hi</p><script>window.pwned=1</script><img src=x onerror="pwned()">'
            '<a href="javascript:alert(1)">link</a>',
        }
    ]
    add(client, feed_host.serve("/feed.xml", blog_rss(hostile)))
    run_worker(app, burst=True)
    [item] = items()
    assert item.title == "Bold title"
    for bad in ("<script", "onclick", "onerror", "javascript:"):
        assert bad not in item.summary_html
    page = client.get(f"/library/items/{item.id}").get_data(as_text=True)
    assert "window.pwned" not in page and "onerror" not in page


def test_mastodon_statuses_become_items_with_their_images(app, client, feed_host):
    statuses = [
        {
            "id": "1101",
            "html": '<p>Trois idées pour l\'été <a href="https://blog.example.com/ete">blog.example.com/ete</a></p>',
            "images": ["https://files.example/a.png"],
            "alt": "A beach",
        }
    ]
    add(client, feed_host.serve("/@atlas.rss", mastodon_rss(statuses)), channel="mastodon")
    run_worker(app, burst=True)
    [item] = items("mastodon")
    assert "Trois idées" in item.title and item.link == "https://mastodon.example/@atlas/1101"
    assert item.media[0]["url"] == "https://files.example/a.png" and item.media[0]["alt"] == "A beach"


def test_a_broken_feed_is_reported_on_its_page_and_others_still_import(app, client, feed_host):
    broken = add(client, feed_host.serve("/broken.xml", "<html><body>Oops, <b>not a feed"))
    bomb = add(
        client,
        feed_host.serve(
            "/bomb.xml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><rss><channel><title>&lol2;'
            "</title></channel></rss>",
        ),
    )
    missing = add(client, feed_host.url("/gone.xml"))
    good = add(client, feed_host.serve("/feed.xml", blog_rss(POSTS[:3])))
    run_worker(app, burst=True)

    def state(feed):
        return client.get(f"/api/v1/library/feeds/{feed['id']}").get_json()

    assert state(good)["status"] == "ok" and state(good)["items"] == 3
    assert state(broken)["status"] == "error" and "not a feed" in state(broken)["last_error"]
    assert state(bomb)["status"] == "error" and "entities" in state(bomb)["last_error"]
    assert state(missing)["status"] == "error" and "404" in state(missing)["last_error"]
    page = client.get(f"/library/feeds/{missing['id']}").get_data(as_text=True)
    assert "404" in page


def test_a_feed_on_a_private_address_is_refused_unless_allowed(app, client, feed_host):
    reconfigure(app, fetch_allow=())
    feed = add(client, feed_host.serve("/feed.xml", blog_rss(POSTS[:2])))
    run_worker(app, burst=True)
    shown = client.get(f"/api/v1/library/feeds/{feed['id']}").get_json()
    assert shown["status"] == "error" and "loopback" in shown["last_error"]
    assert "REFRAIN_FETCH_ALLOW" in shown["last_error"]
    assert items() == []


def test_bad_feed_input_is_refused_with_field_names(client):
    answer = client.post("/api/v1/library/feeds", json={"url": "ftp://example.com/x", "channel": "fax"})
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"url", "channel"}
    ok = client.post("/api/v1/library/feeds", json={"url": "https://example.com/feed", "channel": "blog"})
    assert ok.status_code == 201
    again = client.post("/api/v1/library/feeds", json={"url": "https://example.com/feed", "channel": "blog"})
    assert again.status_code == 409 and "url" in again.get_json()["error"]["fields"]
    assert client.post("/api/v1/library/feeds/999/refresh").status_code == 404


def test_due_feeds_are_queued_by_the_periodic_job(app, client, feed_host):
    feed = add(client, feed_host.serve("/feed.xml", blog_rss(POSTS[:2])))
    run_worker(app, burst=True)
    assert feeds.refresh_due_feeds() == 0, "just imported: not due"
    db.session.execute(Feed.__table__.update().values(last_fetched_at=None))
    db.session.commit()
    assert feeds.refresh_due_feeds() == 1
    assert runtime.queues().jobs_alive([feeds.refresh_job_id(feed["id"])])


def test_the_feeds_page_adds_a_feed_and_shows_bad_input(client, feed_host):
    answer = client.post("/library/feeds", data={"url": "not a url", "channel": "blog"})
    assert answer.status_code == 422 and "must be an http" in answer.get_data(as_text=True)
    answer = client.post("/library/feeds", data={"url": feed_host.url("/feed.xml"), "channel": "blog"})
    assert answer.status_code == 302
    page = client.get("/library/feeds").get_data(as_text=True)
    assert feed_host.url("/feed.xml") in page and "data-status>new<" in page


def test_a_gigantic_entry_is_cut_and_a_wrongly_declared_encoding_is_noted(app, client, feed_host):
    from scheduler.infra.sanitise import SUMMARY_MAX

    huge = [{"slug": "huge", "title": "Huge", "summary": "<p>" + "word " * 300_000 + "</p>"}]
    add(client, feed_host.serve("/huge.xml", blog_rss(huge)))
    latin = blog_rss([{"slug": "ete", "title": "Offre d'été", "summary": "Un été réussi"}]).encode("latin-1")
    mislabelled = add(client, feed_host.serve("/latin.xml", latin))
    run_worker(app, burst=True)
    stored = {i.title: i for i in items()}
    assert len(stored["Huge"].summary_html) <= SUMMARY_MAX + 100
    shown = client.get(f"/api/v1/library/feeds/{mislabelled['id']}").get_json()
    assert shown["status"] == "ok" and shown["items"] == 1
    assert shown["notes"] and "not well-formed" in shown["notes"][0]


def test_published_posts_join_the_library(app, client):
    from datetime import datetime, timedelta, timezone

    from scheduler.jobs import tasks
    from scheduler.services import posts
    from tests.factories import make_plan

    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=(today - timedelta(days=3)).isoformat(), ends_on=(today + timedelta(days=3)).isoformat())
    post = posts.create_post(
        {
            "plan_id": plan.id,
            "channel": "twitter",
            "body": "Shipped today",
            "scheduled_at": (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat(),
        }
    )
    posts.schedule_post(post)
    run_worker(app, burst=True)
    assert tasks.refresh_library()["posts_collected"] == 1
    assert tasks.refresh_library()["posts_collected"] == 0, "once"
    [item] = items("twitter")
    assert item.post_id == post.id and item.summary_text == "Shipped today"


def test_bluesky_and_newsletter_archive_feeds_import(app, client, feed_host):
    from tests.channels.test_feeds import BLUESKY, NEWSLETTER

    add(client, feed_host.serve("/profile/atlas/rss", BLUESKY), channel="bluesky")
    add(client, feed_host.serve("/archive.atom", NEWSLETTER, content_type="application/atom+xml"), channel="newsletter")
    run_worker(app, burst=True)
    bluesky, letters = items("bluesky"), items("newsletter")
    assert bluesky and all(i.title and i.link.startswith("https://bsky.app/") for i in bluesky)
    assert letters and all(i.content_type == "email" and i.summary_text for i in letters)


def test_refresh_now_is_taken_once_a_minute_per_feed_on_the_api_and_the_page(app, client):
    first = add(client, "https://blog.example.com/one.xml")
    other = add(client, "https://blog.example.com/two.xml")
    assert client.post(f"/api/v1/library/feeds/{first['id']}/refresh").status_code == 202
    again = client.post(f"/api/v1/library/feeds/{first['id']}/refresh")
    assert again.status_code == 409 and "less than 60 seconds ago" in again.get_json()["error"]["message"]
    assert client.post(f"/api/v1/library/feeds/{other['id']}/refresh").status_code == 202  # each feed its own
    page = client.post(f"/library/feeds/{first['id']}/refresh", follow_redirects=True).get_data(as_text=True)
    assert "This feed was refreshed less than 60 seconds ago" in page
    a_minute_later(app, first["id"])
    assert client.post(f"/api/v1/library/feeds/{first['id']}/refresh").status_code == 202


def test_the_library_follows_at_most_two_hundred_feeds(app, client):
    from scheduler.services.unit_of_work import unit_of_work

    with unit_of_work():
        db.session.add_all(
            Feed(url=f"https://blog.example.com/{n}.xml", channel="blog", refresh_minutes=60, status="new")
            for n in range(feeds.MAX_FEEDS)
        )
    refused = client.post(
        "/api/v1/library/feeds", json={"url": "https://blog.example.com/one-more.xml", "channel": "blog"}
    )
    assert refused.status_code == 409
    assert "200 feeds" in refused.get_json()["error"]["fields"]["url"]
    page = client.post("/library/feeds", data={"url": "https://blog.example.com/one-more.xml", "channel": "blog"})
    assert page.status_code == 422 and "already follows 200 feeds" in page.get_data(as_text=True)
