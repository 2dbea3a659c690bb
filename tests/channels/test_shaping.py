"""Shared helpers: graphemes, links at the end of a sentence, Markdown images, YouTube links, HTML."""

import pytest

from channels.shaping import (
    grapheme_count,
    headline_from,
    key_sentences,
    links_in,
    markdown_image,
    read_html,
    youtube_video_id,
)


@pytest.mark.parametrize(
    "text, count", [("👨‍👩‍👧‍👦", 1), ("e\u0301", 1), ("é", 1), ("🇫🇷👍🏽", 2), ("夏季", 2), ("", 0)]
)
def test_grapheme_count(text, count):
    assert grapheme_count(text) == count


def test_links_leave_the_sentence_its_punctuation():
    assert [m.group(0) for m in links_in("See https://e.com/a, then https://e.com/b?x=1.")] == [
        "https://e.com/a",
        "https://e.com/b?x=1",
    ]


@pytest.mark.parametrize(
    "url, video_id",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=3", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://youtube.com/shorts/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://example.com/watch?v=dQw4w9WgXcQ", ""),
        ("https://www.youtube.com/channel/UCx", ""),
    ],
)
def test_youtube_video_id(url, video_id):
    assert youtube_video_id(url) == video_id


def test_markdown_image_escapes_alt_and_awkward_urls():
    assert markdown_image("https://e.com/a.png", "A [big] board") == r"![A \[big\] board](https://e.com/a.png)"
    assert markdown_image("https://e.com/a (1).png", "x") == "![x](<https://e.com/a%20(1).png>)"


def test_read_html_and_headlines():
    text, anchors = read_html('<p>One &amp; two.</p><p>Three<br>four <a href="https://e.com" rel="tag">x</a></p>')
    assert text == "One & two.\n\nThree\nfour x" and anchors == [{"href": "https://e.com", "class": [], "rel": ["tag"]}]
    assert headline_from("First sentence here. Second.") == "First sentence here."
    assert len(headline_from("word " * 100)) <= 80


def test_key_sentences_take_each_paragraph_lead_first_and_skip_headings():
    markdown = "# Title\n\nLead one. Detail one.\n\n## Part\n\nLead two. Detail two.\n\n- a bullet"
    assert key_sentences(markdown, 3, skip="Title") == ["Lead one.", "Lead two.", "Detail one."]
