"""A post's text as the networks show it: links, hashtags and mentions picked out, nothing lost."""

from hypothesis import given
from hypothesis import strategies as st

from scheduler.domain.rich_text import first_link, pieces

WORDS = st.sampled_from(
    [
        "summer",
        "#été",
        "@lea",
        "@lea@example.social",
        "https://example.com/a?b=1#c",
        "(https://x.org/y).",
        "C#",
        "mail@example.com",
        "#123",
        "夏季优惠",
        "＃夏季",
        ",",
        ".",
        " ",
        "\n",
        "&#39;",
        "@bob.bsky.social.",
    ]
)


def kinds(text):
    return [(p.kind, p.text) for p in pieces(text) if p.kind != "text"]


@given(st.lists(WORDS, max_size=30).map("".join) | st.text(max_size=200))
def test_the_pieces_put_together_are_the_text_itself(text):
    assert "".join(p.text for p in pieces(text)) == text


def test_links_hashtags_and_mentions_are_picked_out_as_the_networks_read_them():
    text = "See https://example.com/summer. #Été with @lea@example.social and @bob.bsky.social, not C# or me@x.org."
    assert kinds(text) == [
        ("link", "https://example.com/summer"),
        ("hashtag", "#Été"),
        ("mention", "@lea@example.social"),
        ("mention", "@bob.bsky.social"),
    ]


def test_a_hashtag_or_a_mention_inside_a_link_stays_part_of_the_link():
    assert kinds("https://example.com/@team/#top") == [("link", "https://example.com/@team/#top")]


def test_numbers_alone_are_not_hashtags_and_chinese_ones_are():
    assert kinds("#123 ＃夏季优惠") == [("hashtag", "＃夏季优惠")]


def test_the_first_link_is_the_one_a_card_is_made_of():
    assert first_link("one (https://a.example/x) two https://b.example") == "https://a.example/x"
    assert first_link("no link here") == ""
