"""What the feed makes of a post and of a period still owed posts, on plain data (no database)."""

from datetime import date, datetime, timezone

from scheduler.domain.calendar_feed import FeedPlan, FeedPost, Owed, cut, feed, headline, owed_periods

NOW = datetime(2031, 6, 4, 10, 30, tzinfo=timezone.utc)
PLAN = FeedPlan(1, "Summer", "Europe/Paris", date(2031, 6, 1), date(2031, 8, 31))


def test_a_post_without_a_title_is_summed_up_by_its_first_words_cut_at_a_word():
    assert headline("", "  Summer   is\nhere ") == "Summer is here"
    long = "word " * 30
    assert headline("", long).endswith("word…") and len(headline("", long)) <= 60
    assert cut("夏" * 100, 60) == "夏" * 59 + "…", "a language without spaces is cut mid-text"
    assert headline("A title", "the body") == "A title"


def test_a_period_owed_on_theme_posts_says_those_first_when_they_would_meet_both():
    row = {
        "channel": "twitter",
        "per": "week",
        "on_theme_min": 2,
        "period_details": [
            {"first_day": "2031-06-02", "last_day": "2031-06-08", "timing": "current", "status": "short",
             "committed": 3, "posts": 2, "on_theme": 0},
            {"first_day": "2031-05-26", "last_day": "2031-06-01", "timing": "past", "status": "short",
             "committed": 3, "posts": 0, "on_theme": 0},
            {"first_day": "2031-06-09", "last_day": "2031-06-15", "timing": "future", "status": "met",
             "committed": 3, "posts": 3, "on_theme": 2},
        ],
    }  # fmt: skip
    (owed,) = owed_periods(row)
    assert (owed.first_day, owed.posts_needed, owed.on_theme_needed) == (date(2031, 6, 2), 1, 2)
    (event,) = feed(PLAN, [], [owed], labels={"twitter": "X"}, editor_url="https://r/posts", host="r", now=NOW).events
    assert event.summary == "X: 2 more on-theme posts needed this week"
    assert event.description.splitlines() == [event.summary, "X: 1 more post needed this week"]
    assert (event.all_day, event.first_day, event.last_day) == (True, date(2031, 6, 2), date(2031, 6, 8))
    assert event.stamp == datetime(2031, 6, 4, 10, 0, tzinfo=timezone.utc), "to the hour: kept written for an hour"


def test_cancelled_posts_are_left_out_and_failed_ones_say_so():
    def post(n, status):
        at = datetime(2031, 6, 2, 8, n, tzinfo=timezone.utc)
        return FeedPost(n, "blog", f"Post {n}", "", status, at, at)

    made = feed(
        PLAN,
        [post(1, "cancelled"), post(2, "failed"), post(3, "published")],
        [Owed("blog", "month", date(2031, 6, 1), date(2031, 6, 30), 3, 0)],
        labels={"blog": "Blog"},
        editor_url="https://r/posts",
        host="r",
        now=NOW,
        channel="twitter",
    )
    assert made.events == [] and made.name == "Summer: twitter"
    events = feed(PLAN, [post(1, "cancelled"), post(2, "failed"), post(3, "published")], [],
                  labels={"blog": "Blog"}, editor_url="https://r/posts", host="r", now=NOW).events  # fmt: skip
    assert [e.summary for e in events] == ["[Blog] Post 2 (failed)", "[Blog] Post 3"]
    assert [e.uid for e in events] == ["post-2@r", "post-3@r"] and events[0].url == "https://r/posts/2"
