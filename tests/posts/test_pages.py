"""The posts list's pages: found by cursor, they add up to every post once, in order, even while posts
come in between two pages; filters narrow them; a cursor from elsewhere is refused in words."""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from scheduler.domain import keyset
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import post_pages
from scheduler.services.errors import Malformed
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import make_person, make_plan, make_post

START = datetime(2031, 6, 1, 8, tzinfo=timezone.utc)
CHANNELS = ("twitter", "blog", "newsletter")
STATUSES = ("draft", "scheduled", "published")


@pytest.fixture
def plan(app):
    return make_plan()


def add(plan_id: int, rows) -> None:
    """Posts written straight into the table: (channel, status, hour or None for no time yet)."""
    values = [
        {
            "plan_id": plan_id,
            "channel": channel,
            "status": status,
            "body": f"post {n}",
            "title": "",
            "link": "",
            "extra": {},
            "scheduled_at": None if hour is None else START + timedelta(hours=hour),
            "on_theme": False,
            "theme_source": "keywords",
            "theme_matched": [],
            "problems": [],
        }
        for n, (channel, status, hour) in enumerate(rows)
    ]
    if values:
        with unit_of_work():
            db.session.execute(insert(Post), values)


def walk(filters, sort, direction, size, between=lambda: None):
    """Every page from the first, following ``next``; ``between`` runs after each page."""
    seen, after = [], None
    for _ in range(1000):
        page = post_pages.page(filters, sort, direction, after=after, size=size)
        seen.extend(page.posts)
        between()
        if page.next is None:
            return seen
        after = page.next
    raise AssertionError("the pages never ended")


def key(post):
    return SimpleNamespace(id=post.id, channel=post.channel, status=post.status, scheduled_at=post.scheduled_at)


# few hours, so that many posts share a time and the id has to break the ties
row = st.tuples(st.sampled_from(CHANNELS), st.sampled_from(STATUSES), st.none() | st.integers(0, 5))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, max_size=40),
    arriving=st.lists(st.lists(row, max_size=3), max_size=8),
    sort=st.sampled_from(tuple(keyset.SORTS)),
    direction=st.sampled_from(keyset.DIRECTIONS),
    size=st.integers(1, 7),
)
def test_pages_cover_every_post_once_and_in_order_while_posts_come_in(plan, rows, arriving, sort, direction, size):
    with unit_of_work():
        db.session.execute(delete(Post))
    add(plan.id, rows)
    filters = post_pages.Filters(plan_id=plan.id)
    there_at_first = {p.id for p in post_pages.each_matching(filters)}
    waiting = list(arriving)

    def more_come_in():
        if waiting:
            add(plan.id, waiting.pop(0))

    seen = walk(filters, sort, direction, size, between=more_come_in)
    ids = [p.id for p in seen]
    assert len(ids) == len(set(ids)), "no post is shown twice"
    assert there_at_first <= set(ids), "no post that was there is skipped"
    keys = [key(p) for p in seen]
    assert [k.id for k in keyset.in_order(sort, direction, keys)] == ids, "the pages follow one order"


def test_the_pages_backward_from_the_end_are_the_same_posts_in_reverse(plan):
    add(plan.id, [(CHANNELS[n % 3], STATUSES[n % 2], None if n % 7 == 0 else n % 4) for n in range(23)])
    filters = post_pages.Filters(plan_id=plan.id)
    forward = [p.id for p in walk(filters, "channel", "desc", 5)]
    backward, before = [], "end"
    while before:
        page = post_pages.page(filters, "channel", "desc", before=before, size=5)
        backward = [p.id for p in page.posts] + backward
        before = page.previous
    assert backward == forward
    first = post_pages.page(filters, "channel", "desc", size=5)
    assert first.previous is None and first.next is not None
    last = post_pages.page(filters, "channel", "desc", before="end", size=5)
    assert last.next is None and [p.id for p in last.posts] == forward[-5:]


def test_newest_first_by_default_and_posts_without_a_time_at_the_end(plan):
    add(plan.id, [("twitter", "draft", 1), ("twitter", "draft", None), ("twitter", "draft", 3)])
    page = post_pages.page(post_pages.Filters(plan_id=plan.id))
    hours = [None if p.scheduled_at is None else (p.scheduled_at - START).seconds // 3600 for p in page.posts]
    assert hours == [3, 1, None]


def test_filters_narrow_the_list_by_channel_status_author_text_and_dates(plan):
    writer = make_person("chloe@example.com", "creator", "Chloé")
    from scheduler.services import actor

    with actor.acting_as(actor.Actor(writer.id, "Chloé", "creator")):
        mine = make_post(plan, body="Profitez de l'Offre d'été !", when="2031-06-03T10:00:00+02:00")
    other = make_post(plan, channel="blog", title="Summer", body="100% summer offer", when="2031-06-05T10:00:00+02:00")
    found = lambda **f: [p.id for p in post_pages.page(post_pages.read_filters({"plan_id": plan.id, **f})).posts]  # noqa: E731
    assert found(author_id=writer.id) == [mine.id]
    assert found(channel="blog") == [other.id]
    assert found(q="OFFRE") == [mine.id]
    assert found(q="100%") == [other.id], "a % typed is a character, not a wildcard"
    assert found(q="summer_offer") == [], "nor is an underscore"
    assert found(q="D'ÉTÉ") == [mine.id], "case aside, accented letters too"
    assert found(q="ét") == [mine.id], "two letters are looked for too"
    chinese = make_post(plan, body="夏季优惠来了", when="2031-06-06T10:00:00+02:00")
    assert found(q="季优惠") == [chinese.id]
    assert found(status="draft,scheduled") == [chinese.id, other.id, mine.id]
    assert found(**{"from": "2031-06-04T00:00:00+02:00"}) == [chinese.id, other.id]
    assert found(**{"to": "2031-06-04T00:00:00+02:00"}) == [mine.id]
    assert post_pages.count(post_pages.Filters(plan_id=plan.id, channel="twitter")) == 2


def test_a_position_from_another_order_or_made_up_is_refused_in_words(plan):
    add(plan.id, [("twitter", "draft", n) for n in range(4)])
    filters = post_pages.Filters(plan_id=plan.id)
    cursor = post_pages.page(filters, "time", "desc", size=2).next
    with pytest.raises(Malformed) as refused:
        post_pages.page(filters, "channel", "desc", after=cursor)
    assert "another order" in refused.value.fields["after"]
    for made_up in ("nonsense", "W10=", cursor[:-3]):
        with pytest.raises(Malformed):
            post_pages.page(filters, "time", "desc", after=made_up)
    with pytest.raises(Malformed) as refused:
        post_pages.read_filters({"status": "lost", "author_id": "x"})
    assert set(refused.value.fields) == {"status", "author_id"}
