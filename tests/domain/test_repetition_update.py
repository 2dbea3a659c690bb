"""After any edit, searching again only around the changed posts gives the groups a full search gives:
random plans with repeated and near-repeated messages, random edits (new text, new time, gone, no
longer counted, new posts), on one or two channels."""

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain.facts import PostFacts
from scheduler.domain.repetition import detect, groups_of
from scheduler.domain.repetition_update import Said, related, relink

START = datetime(2031, 6, 1, tzinfo=timezone.utc)
TEXTS = [
    "Summer offer: two months free on every annual plan",
    "Summer offer: two months free on every yearly plan",
    "Summer offer - two months FREE on every annual plan! #summer",
    "Our new calendar view is live for every team",
    "Our new calendar view is now live for every team",
    "Meet the team behind the summer release this Friday",
    "Offre d'été : deux mois offerts sur chaque abonnement annuel",
    "Offre d’ete : deux mois offerts sur chaque abonnement annuel",
    "夏季优惠：年度计划免费赠送两个月，欢迎了解",
    "夏季优惠：年度计划免费赠送两个月，欢迎咨询",
    "Hello",
    "Thanks all",
]
WINDOW = timedelta(days=14)


def post(number, channel, day, minute, text, status="published"):
    return PostFacts(
        id=number,
        channel=channel,
        scheduled_at=START + timedelta(days=day, minutes=minute),
        status=status,
        on_theme=False,
        text=text,
    )


posts_strategy = st.lists(
    st.tuples(
        st.sampled_from(["twitter", "blog"]),
        st.integers(0, 45),
        st.integers(0, 24 * 60 - 1),
        st.integers(0, len(TEXTS) - 1),
    ),
    min_size=2,
    max_size=40,
)
edit_strategy = st.tuples(
    st.sampled_from(["text", "time", "gone", "draft", "new"]),
    st.integers(0, 10_000),
    st.integers(0, 45),
    st.integers(0, len(TEXTS) - 1),
)


def apply(posts: dict[int, PostFacts], edits) -> set[int]:
    """Applies the edits; returns the ids of the posts they changed."""
    changed = set()
    for kind, pick, day, text in edits:
        if kind == "new" or not posts:
            number = max(posts, default=0) + 1
            posts[number] = post(number, ["twitter", "blog"][pick % 2], day, pick % 1440, TEXTS[text])
            changed.add(number)
            continue
        number = sorted(posts)[pick % len(posts)]
        old = posts[number]
        if kind == "text":
            posts[number] = post(number, old.channel, 0, 0, TEXTS[text])._replace_time(old.scheduled_at)
        elif kind == "time":
            posts[number] = post(number, old.channel, day, pick % 1440, old.text)
        elif kind == "gone":
            del posts[number]
        elif kind == "draft":
            posts[number] = post(number, old.channel, 0, 0, old.text, status="draft")._replace_time(old.scheduled_at)
        changed.add(number)
    return changed


def _replace_time(self, at):
    from dataclasses import replace

    return replace(self, scheduled_at=at)


PostFacts._replace_time = _replace_time


def region_around(posts: list[PostFacts], moments: list[tuple[str, datetime]]) -> list[PostFacts]:
    return [
        p
        for p in posts
        if p.status == "published" and any(p.channel == c and abs(p.scheduled_at - at) <= WINDOW for c, at in moments)
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts_strategy, st.lists(edit_strategy, min_size=1, max_size=4))
def test_an_edit_searched_around_gives_the_full_searchs_groups(rows, edits):
    before = {
        n + 1: post(n + 1, channel, day, minute, TEXTS[text]) for n, (channel, day, minute, text) in enumerate(rows)
    }
    _, stored = detect(before.values())
    after = dict(before)
    changed = apply(after, edits)
    moments = [(p.channel, p.scheduled_at) for n in changed for p in (before.get(n), after.get(n)) if p is not None]
    region = region_around(list(after.values()), moments)
    said = [Said(p.id, p.channel, p.text) for p in region]
    links = relink(stored, changed, said, lambda ids: [p for p in region if p.id in ids])
    expected, _ = detect(after.values())
    assert groups_of(links, {p.id: p.channel for p in after.values()}) == expected


def test_the_scope_holds_the_same_message_and_its_near_duplicates_on_the_probes_channel_only():
    posts = [
        post(1, "twitter", 0, 0, TEXTS[0]),
        post(2, "twitter", 1, 0, TEXTS[2]),  # the same message once normalised
        post(3, "twitter", 2, 0, TEXTS[1]),  # a near-duplicate
        post(4, "twitter", 3, 0, TEXTS[3]),  # something else
        post(5, "blog", 4, 0, TEXTS[0]),  # the same words, another channel
    ]
    said = [Said(p.id, p.channel, p.text) for p in posts]
    assert related(said, {1}) == {1, 2, 3}
    assert related(said, set()) == set()
