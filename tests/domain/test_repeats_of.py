"""One draft against its channel's neighbours (``repeats_of``, what check_draft asks) says what the whole
report's detection says of the same posts."""

from datetime import datetime, timedelta, timezone

from scheduler.domain.facts import PostFacts
from scheduler.domain.repetition import find_repeated_messages, repeats_of

DRAFT = "Our summer offer makes everything simple for your team this year"
NEIGHBOURS = [
    "Our SUMMER offer makes everything simple for your team this year! https://example.com #summer",  # the same
    "Our summer offer makes everything simple for your teams this year",  # one word changed
    "This year our summer offer makes everything simple for your team",  # the words reordered
    "A completely different message about the autumn catalogue",
    "",
    "夏季优惠让您的团队今年一切都变得简单",
]


def test_a_draft_repeats_exactly_the_posts_the_report_would_group_it_with():
    at = datetime(2031, 6, 2, 10, tzinfo=timezone.utc)
    posts = [
        PostFacts(
            id=n + 1,
            channel="twitter",
            scheduled_at=at + timedelta(hours=n + 1),
            status="scheduled",
            on_theme=False,
            text=text,
        )
        for n, text in enumerate(NEIGHBOURS)
    ]
    draft = PostFacts(id=99, channel="twitter", scheduled_at=at, status="scheduled", on_theme=False, text=DRAFT)
    [group] = [g for g in find_repeated_messages([draft, *posts]) if 99 in g["post_ids"]]

    found = repeats_of(DRAFT, NEIGHBOURS)

    assert sorted(index + 1 for index, _similarity in found) == sorted(set(group["post_ids"]) - {99}) == [1, 2, 3]
    assert dict(found)[0] == 1.0 and 0.88 <= min(s for _i, s in found) < 1.0
    assert repeats_of("夏季优惠让您的团队今年一切都变得简单", NEIGHBOURS) == [(5, 1.0)]
    assert repeats_of("https://example.com #only", NEIGHBOURS) == []
