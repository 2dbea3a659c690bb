"""PPC: a responsive search ad's counts and lengths (CJK counts 2), the UTM-tagged final URL."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.channels.helpers import check, codes

AD = {
    "headlines": ["Offre d'été", "Plan a quarter", "x" * 30],
    "descriptions": ["d" * 90, "Short one"],
    "path1": "summer",
    "path2": "offer",
}
LINK = "https://example.com/offer"


def ad(**changes):
    return check("ppc", "", link=LINK, extra={**AD, **changes})


def test_a_complete_ad_and_its_draft():
    result = ad()
    assert result.valid and not result.problems
    assert set(result.draft.payload) == {"final_url", "headlines", "descriptions", "path1", "path2"}
    assert result.draft.payload["headlines"] == AD["headlines"]
    assert (result.length.value, result.length.max) == (30, 30)


@pytest.mark.parametrize(
    "headline, valid",
    [
        ("x" * 30, True),
        ("x" * 31, False),
        ("夏" * 15, True),
        ("夏" * 16, False),
        ("夏" * 14 + "xy", True),
        ("夏" * 15 + "x", False),
    ],
)
def test_headline_length_counts_double_width_as_two(headline, valid):
    result = ad(headlines=["Offre", "Plan", headline])
    assert result.valid is valid and ("headline_too_long" in codes(result)) is not valid
    if not valid:
        assert "headline 3 " in next(p.message for p in result.problems if p.code == "headline_too_long")


@pytest.mark.parametrize(
    "descriptions, code",
    [
        (["one", "two"], None),
        (["only one"], "too_few_descriptions"),
        (["a", "b", "c", "d", "e"], "too_many_descriptions"),
        (["d" * 91, "two"], "description_too_long"),
    ],
)
def test_description_counts_and_lengths(descriptions, code):
    result = ad(descriptions=descriptions)
    assert result.valid is (code is None) and (code is None or code in codes(result))


@pytest.mark.parametrize(
    "headlines, code",
    [
        (["a", "b"], "too_few_headlines"),
        ([f"h{n}" for n in range(16)], "too_many_headlines"),
        ([f"h{n}" for n in range(15)], None),
        (["Same", "same", "Other"], "duplicate_headline"),
    ],
)
def test_headline_counts(headlines, code):
    result = ad(headlines=headlines)
    assert result.valid is (code is None) and (code is None or code in codes(result))


@pytest.mark.parametrize(
    "path1, path2, code",
    [
        ("p" * 15, "", None),
        ("p" * 16, "", "path_too_long"),
        ("two words", "", "bad_path"),
        ("", "offer", "path2_without_path1"),
    ],
)
def test_paths(path1, path2, code):
    result = ad(path1=path1, path2=path2)
    assert result.valid is (code is None) and (code is None or code in codes(result))


def test_utm_tags_are_added_and_existing_parameters_kept():
    url = check("ppc", "", link="https://example.com/offer?ref=ads&lang=fr", extra=AD).draft.payload["final_url"]
    assert url.startswith("https://example.com/offer?ref=ads&lang=fr&")
    assert dict(parse_qsl(urlsplit(url).query)) == {
        "ref": "ads",
        "lang": "fr",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "rentree-2031",
    }
    tagged = check("ppc", "", link="https://e.com/?utm_source=bing", extra=AD).draft.payload["final_url"]
    assert parse_qsl(urlsplit(tagged).query).count(("utm_source", "bing")) == 1 and "google" not in tagged
    plain = check("ppc", "", link=LINK, extra=AD, campaign="").draft.payload["final_url"]
    assert "utm_campaign=refrain" in plain


def test_final_url_is_required_and_must_be_a_web_address():
    assert codes(check("ppc", "", extra=AD)) == {"missing_link"}
    assert "bad_final_url" in codes(check("ppc", "", link="ftp://example.com", extra=AD))


def test_a_plain_post_gets_headlines_and_descriptions_from_its_text():
    result = check(
        "ppc",
        "Plan every channel around one theme. Reports show what drifts. Try it free for a month.",
        title="Atlas 2.0 for content teams",
        link=LINK,
    )
    payload = result.draft.payload
    assert result.valid, [p.message for p in result.problems]
    assert payload["headlines"][0] == "Atlas 2.0 for content teams" and len(payload["headlines"]) >= 3
    assert payload["descriptions"][:2] == ["Plan every channel around one theme.", "Reports show what drifts."]
    assert "too_few_headlines" in codes(check("ppc", "", title="Only a title", link=LINK))
