"""The rules of a set of posts (one idea, many channels), over plain values."""

from hypothesis import given
from hypothesis import strategies as st

from scheduler.domain.post_sets import Member, content_digest, follows_the_idea, summary
from scheduler.domain.repetition import find_repeated_messages
from scheduler.domain.statuses import STATUSES
from tests.domain.test_repetition import post


@given(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=5))
def test_the_digest_does_not_depend_on_the_order_of_the_channels_own_fields(extra):
    backwards = dict(reversed(list(extra.items())))
    assert content_digest("t", "b", "l", extra) == content_digest("t", "b", "l", backwards)


def test_any_change_of_the_words_changes_the_digest():
    digest = content_digest("Title", "Body", "https://e.x", {"thread": True})
    assert digest != content_digest("Title", "Body.", "https://e.x", {"thread": True})
    assert digest != content_digest("Title", "Body", "https://e.x", {"thread": False})


def test_only_untouched_posts_not_yet_out_follow_the_idea():
    assert follows_the_idea("draft", "a", "a") and follows_the_idea("queued", "a", "a")
    assert not follows_the_idea("draft", "b", "a")  # edited by hand
    assert not follows_the_idea("published", "a", "a") and not follows_the_idea("unconfirmed", "a", "a")
    assert not follows_the_idea("draft", "a", "")  # a post the composer never wrote


def test_the_set_at_a_glance_puts_what_needs_someone_first():
    def state(*statuses):
        return summary(Member("twitter", s) for s in statuses).state

    assert state() == "empty"
    assert state("draft", "draft") == "drafts"
    assert state("queued", "scheduled") == "scheduled"
    assert state("published", "cancelled") == "published"
    assert state("published", "failed") == "failed"
    assert state("published", "queued") == "partly_published"
    assert state("draft", "queued") == "mixed"
    assert state("cancelled", "cancelled") == "cancelled"
    assert state("unconfirmed", "queued") == "attention"


@given(st.lists(st.sampled_from(STATUSES), max_size=12))
def test_the_counts_of_a_set_add_up_to_its_posts(statuses):
    glance = summary(Member("twitter", s, errors=1) for s in statuses)
    assert sum(glance.counts.values()) == glance.posts == len(statuses)
    assert glance.errors == sum(1 for s in statuses if s != "cancelled")


def test_posts_adapted_from_one_idea_are_reuse_not_repetition():
    same = "The summer offer is here"
    # the set's X and Mastodon posts, and a second X post adapted from the set's Mastodon one: it says the
    # same as the set's X post, and is reuse of the same idea
    in_a_set = [
        post(1, same, set_id=7),
        post(2, same, channel="mastodon", set_id=7),
        post(3, same, days=1, adapted_from_post_id=2),
    ]
    assert find_repeated_messages(in_a_set) == []
    alone = [post(1, same), post(2, same, channel="mastodon"), post(3, same, days=1)]
    assert [g["post_ids"] for g in find_repeated_messages(alone)] == [[1, 3]]
