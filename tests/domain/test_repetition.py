import random
from datetime import datetime, timedelta, timezone

from scheduler.domain.facts import PostFacts
from scheduler.domain.repetition import find_repeated_messages

MONDAY = datetime(2031, 9, 1, 9, tzinfo=timezone.utc)
MESSAGE = "Our autumn collection has arrived, come and see it in store this weekend"


def post(post_id, text, days=0, channel="twitter", status="scheduled", **lineage):
    return PostFacts(post_id, channel, MONDAY + timedelta(days=days), status, True, text, **lineage)


def test_same_message_despite_case_punctuation_links_hashtags_and_emoji():
    posts = [
        post(1, MESSAGE),
        post(
            2,
            "OUR AUTUMN COLLECTION HAS ARRIVED!!! Come and see it in store this weekend 🍂 #autumn https://ex.com/a",
            days=3,
        ),
        post(3, "Something else entirely, about our winter plans", days=4),
    ]
    assert find_repeated_messages(posts) == [{"channel": "twitter", "post_ids": [1, 2], "similarity": 1.0}]


def test_a_near_duplicate_with_one_word_changed():
    groups = find_repeated_messages([post(1, MESSAGE), post(2, MESSAGE.replace("weekend", "Saturday"), days=2)])
    assert [g["post_ids"] for g in groups] == [[1, 2]]
    assert 0.88 <= groups[0]["similarity"] < 1.0


def test_chinese_near_duplicates_are_compared_character_by_character():
    first = "秋季新品已经到店，欢迎本周末来店里看看"
    groups = find_repeated_messages([post(1, first), post(2, first.replace("本周末", "这周末"), days=1)])
    assert [g["post_ids"] for g in groups] == [[1, 2]]


def test_groups_chain_posts_and_keep_the_weakest_link():
    posts = [post(3, MESSAGE, days=20), post(1, MESSAGE), post(2, MESSAGE.replace("weekend", "Saturday"), days=10)]
    assert [(g["post_ids"], g["similarity"] < 1) for g in find_repeated_messages(posts)] == [([1, 2, 3], True)]


def test_not_repeated_beyond_14_days_nor_across_channels_nor_when_not_counted():
    assert find_repeated_messages([post(1, MESSAGE), post(2, MESSAGE, days=15)]) == []
    assert find_repeated_messages([post(1, MESSAGE), post(2, MESSAGE, days=1, channel="blog")]) == []
    assert find_repeated_messages([post(1, MESSAGE), post(2, MESSAGE, days=1, status="draft")]) == []


def test_adaptations_are_reuse_not_repetition():
    original = post(1, MESSAGE, channel="blog", source_item_id=7)
    tweet = post(2, MESSAGE, days=1, adapted_from_post_id=1)
    re_tweet = post(3, MESSAGE, days=2, adapted_from_post_id=2, channel="blog")
    assert find_repeated_messages([original, tweet, re_tweet]) == []
    from_item = post(4, MESSAGE, days=1, source_item_id=9)
    via_blog = post(5, MESSAGE, days=2, channel="blog", source_item_id=9)
    back_on_twitter = post(6, MESSAGE, days=3, adapted_from_post_id=5)
    assert find_repeated_messages([from_item, via_blog, back_on_twitter]) == []


def test_different_short_messages_are_not_fuzzy_matched():
    assert find_repeated_messages([post(1, "Sale today"), post(2, "Sale now", days=1)]) == []


def test_an_adaptation_between_two_repeats_does_not_hide_the_repetition():
    original = post(1, MESSAGE)
    adaptation = post(2, MESSAGE, days=1, adapted_from_post_id=1)
    repeat = post(3, MESSAGE, days=2)
    assert [g["post_ids"] for g in find_repeated_messages([original, adaptation, repeat])] == [[1, 2, 3]]


def test_reordered_words_and_changed_endings_are_near_duplicates():
    reordered = "This weekend, come and see our autumn collection in store: it has arrived"
    groups = find_repeated_messages([post(1, MESSAGE), post(2, reordered, days=3)])
    assert [g["post_ids"] for g in groups] == [[1, 2]]
    plural = find_repeated_messages(
        [post(1, "New autumn collection in store"), post(2, "New autumn collections in stores", days=1)]
    )
    assert [g["post_ids"] for g in plural] == [[1, 2]]


def _unrelated_posts(count, days, channel="twitter", first_id=1000):
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(3000)]
    return [
        post(
            first_id + n,
            " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))),
            days=rng.uniform(0, days),
            channel=channel,
        )
        for n in range(count)
    ]


def test_near_duplicates_are_found_among_twenty_thousand_unrelated_posts():
    typos = MESSAGE.replace("collection", "colection").replace("arrived", "arived")
    posts = _unrelated_posts(20_000, 90) + [
        post(1, MESSAGE, days=40),
        post(2, MESSAGE.replace("weekend", "Saturday"), days=45),
        post(3, "秋季新品已经到店，欢迎本周末来店里看看", days=60),
        post(4, "秋季新品已经到店，欢迎这周末来店里看看", days=61),
        post(5, typos, days=80),
        post(6, MESSAGE, days=85),
    ]
    groups = find_repeated_messages(posts)
    assert [g["post_ids"] for g in groups] == [[1, 2], [3, 4], [5, 6]]
    assert all(0.88 <= g["similarity"] < 1.0 for g in groups)


def test_many_variants_of_a_template_are_one_group():
    rng = random.Random(3)
    variants = [
        post(
            n,
            f"Flash sale on {''.join(rng.choice('abcdefgh') for _ in range(5))} today only, "
            f"use code SAVE20 in store before midnight",
            days=n * 30 / 2000,
        )
        for n in range(2000)
    ]
    groups = find_repeated_messages(variants + _unrelated_posts(2000, 30, first_id=5000))
    assert [len(g["post_ids"]) for g in groups] == [2000]
    assert 0.88 <= groups[0]["similarity"] < 1.0
