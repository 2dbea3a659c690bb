"""Newsletter: subject, preheader, feature sections from '## ' headings, tracked links."""

import pytest

from tests.channels.helpers import check, codes

TRACKED = "https://example.com/ete?utm_source=newsletter&utm_medium=email"


def test_issue_has_subject_preheader_sections_and_a_text_version():
    body = "Our lead story. More lines.\n\n## L'offre d'été\n\nTout **savoir**.\n\n## 本周精选\n\n三篇文章。"
    result = check("newsletter", body, title="Refrain weekly", link=TRACKED)
    issue = result.draft.payload
    assert result.valid and not result.problems
    assert set(issue) == {"subject", "preheader", "sections", "text"}
    assert issue["subject"] == "Refrain weekly" and issue["preheader"] == "Our lead story."
    assert issue["sections"] == [
        {"heading": "Refrain weekly", "body": "Our lead story. More lines.", "link": TRACKED},
        {"heading": "L'offre d'été", "body": "Tout **savoir**.", "link": ""},
        {"heading": "本周精选", "body": "三篇文章。", "link": ""},
    ]
    assert "Tout savoir." in issue["text"] and "**" not in issue["text"] and TRACKED in issue["text"]


def test_a_body_without_headings_is_one_feature_under_the_subject():
    issue = check("newsletter", "Just one story.", title="Weekly", link=TRACKED).draft.payload
    assert issue["sections"] == [{"heading": "Weekly", "body": "Just one story.", "link": TRACKED}]


def test_preheader_skips_headings_and_can_be_given():
    issue = check("newsletter", "## Heading\n\nFirst sentence here. Second.", title="W").draft.payload
    assert issue["preheader"] == "First sentence here."
    given = check("newsletter", "Body.", title="W", extra={"preheader": "Open me"}).draft.payload
    assert given["preheader"] == "Open me"
    assert "preheader_too_long" in codes(check("newsletter", "Body.", title="W", extra={"preheader": "p" * 151}))


@pytest.mark.parametrize(
    "length, found", [(60, set()), (61, {"long_subject"}), (150, {"long_subject"}), (151, {"subject_too_long"})]
)
def test_subject_length(length, found):
    result = check("newsletter", "Body.", title="s" * length)
    assert codes(result) == found and result.valid is (length <= 150)


def test_untracked_links_are_warnings_and_a_subject_is_required():
    result = check("newsletter", "See https://example.com/guide", title="Weekly", link="https://example.com/x")
    untracked = [p for p in result.problems if p.code == "untracked_link"]
    assert result.valid and {p.field for p in untracked} == {"body", "link"}
    assert all(p.severity == "warning" for p in untracked)
    assert "missing_title" in codes(check("newsletter", "body only"))


def test_a_subject_is_one_line_whatever_was_typed():
    from channels import registry
    from channels.base import PostContent

    draft = (
        registry.get("newsletter")
        .validate(PostContent("newsletter", "## A\n\nText.", title="Hi\nBcc: x@example.com"))
        .draft
    )
    assert draft.payload["subject"] == "Hi Bcc: x@example.com"


def test_an_issue_delivered_live_without_a_mailing_list_is_refused(tmp_path):
    from channels import registry
    from channels.base import Account, DeliveryContext, PostContent

    adapter = registry.get("newsletter")
    post = PostContent("newsletter", "## June\n\nThe summer offer.", title="June", id=3)
    account = Account(1, "newsletter", "our newsletter", settings={"host": "smtp.example.com"})
    outcome = adapter.deliver(adapter.validate(post).draft, post, DeliveryContext("live", tmp_path, account=account))
    assert outcome.status == "rejected" and "without a mailing list" in outcome.message
    assert not list(tmp_path.iterdir())
