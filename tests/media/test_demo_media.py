"""The demo ships its own pictures: drawn when it is loaded, kept in the media library, served by the app;
no post or library item of the demo points at an outside address for its images."""

from datetime import date

from sqlalchemy import select

from scheduler.models import ContentItem, Post
from scheduler.models.database import db
from scheduler.services import demo, media


def test_the_demo_posts_and_items_show_pictures_the_app_serves_offline(app, client, clock_at):
    clock_at("2031-05-10T12:00:00+02:00")
    demo.load(date(2031, 5, 10))

    carried = {}
    for channel, extra in db.session.execute(select(Post.channel, Post.extra)):
        for m in (extra or {}).get("media") or []:
            carried.setdefault(channel, []).append(m)
    for channel, item_media in db.session.execute(select(ContentItem.channel, ContentItem.media)):
        for m in item_media or []:
            carried.setdefault(f"{channel} items", []).append(m)
    assert {"twitter", "newsletter", "youtube", "twitter items", "youtube items"} <= set(carried)

    urls = {m["url"] for found in carried.values() for m in found}
    assert all(url.startswith("http://localhost/media/") for url in urls), sorted(urls)[:5]
    assert all(m["alt"] for found in carried.values() for m in found if m["type"] == "image")
    for url in urls:
        answer = client.get(url.removeprefix("http://localhost"))
        assert answer.status_code == 200 and answer.mimetype in ("image/png", "image/jpeg"), url

    library = media.list_media()
    assert len(library) == 10 and all(m.width and m.thumbnail for m in library)
    demo.load(date(2031, 5, 10))  # loaded again: the same pictures, found by their content
    assert len(media.list_media()) == 10
