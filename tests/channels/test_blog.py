"""Blog: Markdown with front matter that stays valid YAML, slugs, short posts."""

import json

import pytest

from channels.blog.rendering import slugify
from tests.channels.helpers import check, codes


def front_matter(markdown):
    """Each line 'key: value' with a JSON value: what YAML reads too (a YAML parser is not installed)."""
    head, _, body = markdown.partition("\n---\n")
    assert head.startswith("---\n")
    values = {}
    for line in head.splitlines()[1:]:
        key, _, value = line.partition(": ")
        values[key] = json.loads(value)
    return values, body


def test_markdown_with_front_matter_and_file_name():
    title = 'Rentrée: "tout" change'
    result = check("blog", "word " * 60, title=title, link="https://example.com/orig", extra={"tags": ["planning"]})
    payload = result.draft.payload
    assert result.valid and not result.problems
    assert payload["slug"] == "rentree-tout-change" and payload["filename"] == "2031-09-01-rentree-tout-change.md"
    values, body = front_matter(payload["markdown"])
    assert (
        values
        == payload["front_matter"]
        == {
            "title": title,
            "date": "2031-09-01T08:00:00+00:00",
            "slug": "rentree-tout-change",
            "tags": ["planning"],
            "canonical_url": "https://example.com/orig",
        }
    )
    assert body.strip() == ("word " * 60).strip()


@pytest.mark.parametrize(
    "title",
    [
        "a: b",
        "'quoted' \"twice\"",
        "# not a comment",
        "- not a list",
        "tab\there",
        "line\u2028separator",
        "del\x7fchar",
        "[x], {y}",
        "yes",
    ],
)
def test_awkward_titles_stay_one_string(title):
    payload = check("blog", "word " * 60, title=title).draft.payload
    values, _ = front_matter(payload["markdown"])
    assert values["title"] == " ".join(title.split())
    assert "\u2028" not in payload["markdown"] and "\x7f" not in payload["markdown"]


def test_canonical_url_only_with_a_link_and_no_date_when_unscheduled():
    payload = check("blog", "word " * 60, title="Plain", scheduled_at=None).draft.payload
    assert payload["front_matter"] == {"title": "Plain", "date": None, "slug": "plain", "tags": []}
    assert payload["filename"] == "undated-plain.md"


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Ça, c'est l'été !", "ca-cest-lete"),
        ("L'œuvre", "loeuvre"),
        ("L’Œuvre d’Ælfred", "loeuvre-daelfred"),
        ("Straße 2031", "strasse-2031"),
        ("Søren, Łódź, Đorđe, Þór", "soren-lodz-dorde-thor"),
        ("Q&A: what’s new?", "qa-whats-new"),
        ("Release 1.2/notes — today", "release-1-2-notes-today"),
        ("  --Hello--  ", "hello"),
    ],
)
def test_slugs_are_spelled_as_wordpress_spells_them(title, slug):
    assert slugify(title) == slug


def test_a_chinese_title_gets_its_pinyin_syllables_as_the_slug():
    assert slugify("夏季优惠") == "xia-ji-you-hui" != slugify("冬季优惠") == "dong-ji-you-hui"
    assert slugify("Summer 夏季，优惠 sale") == "summer-xia-ji-you-hui-sale"


def test_slugs_are_ascii_and_capped_whatever_the_script():
    for title in ("Привет мир", "セール", "한국어", "夏" * 200, "é" * 300):
        slug = slugify(title)
        assert slug.isascii() and 0 < len(slug) <= 80 and not slug.endswith("-")


def test_a_title_without_a_letter_to_spell_gets_a_short_stable_hash():
    assert slugify("2031").startswith("post-") and slugify("🎉") == slugify("🎉") != slugify("🎈")


@pytest.mark.parametrize("words, short", [(49, True), (50, False)])
def test_short_post_is_a_warning(words, short):
    result = check("blog", "word " * words, title="T")
    assert result.valid and ("short_post" in codes(result)) is short
    assert check("blog", "字" * 50, title="T").problems == ()


def test_title_required():
    assert codes(check("blog", "word " * 60)) == {"missing_title"}
