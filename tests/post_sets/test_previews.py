"""Previews as each network shows them: POST /api/v1/channels/<name>/preview gives the draft's HTML,
made from the adapter's own payload (thread parts, the image grid, the link card, the mail, the ad)."""

import html
import json
import re

import pytest

from scheduler.services import link_cards, runtime

LONG = (
    "Our #summer offer starts today, says @lea@example.social. It covers every plan we sell, for every team. "
    "Read how to get it before the end of June, with all the details you need to decide. Ask us anything about it "
    "on any channel: we answer within the day, in English, French or Chinese, whichever you prefer."
)


def image(n, scheme="https"):
    return {"url": f"{scheme}://cdn.example.com/{n}.png", "type": "image", "alt": f"picture {n}"}


def preview(client, channel, **fields):
    answer = client.post(f"/api/v1/channels/{channel}/preview", json=fields)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


def srcdoc(page: str) -> str:
    return html.unescape(re.search(r'srcdoc="([^"]*)"', page).group(1))


def test_an_x_thread_shows_each_part_with_the_account_and_its_words_picked_out(client):
    page = preview(client, "twitter", body=LONG, link="https://example.com/summer", extra={"thread": True})
    assert page.count('<article class="pv-item') >= 2
    assert "A thread of" in page and "pv-threaded" in page
    assert '<span class="pv-hashtag">#summer</span>' in page
    assert '<span class="pv-mention">@lea@example.social</span>' in page
    assert '<span class="pv-link">https://example.com/summer</span>' in page
    assert "Your X / Twitter account" in page  # no account connected: said so, no made-up handle


def test_pictures_fill_the_grid_up_to_four_and_the_rest_are_counted(client):
    page = preview(client, "mastodon", body="Five pictures", extra={"media": [image(n) for n in range(1, 6)]})
    assert 'data-images="4"' in page and "pv-grid-4" in page and "+1" in page
    two = preview(client, "bluesky", body="Two pictures", extra={"media": [image(1), image(2)]})
    assert 'data-images="2"' in two and 'alt="picture 2"' in two
    plain = preview(client, "mastodon", body="One in plain http", extra={"media": [image(1, "http")]})
    assert "http://cdn.example.com" not in plain and "only https pictures are" in plain  # the CSP would refuse it


def test_a_content_warning_hides_the_mastodon_text_until_opened(client):
    page = preview(client, "mastodon", body="Spoilers inside", extra={"spoiler_text": "Season finale"})
    assert '<details class="pv-spoiler"><summary>Season finale</summary>' in page


def test_a_link_shows_its_domain_while_the_server_reads_its_card_then_the_card(client, app):
    page = preview(client, "facebook", body="Read this", link="https://example.com/summer")
    assert 'data-card-state="pending"' in page and "data-card-pending" in page
    assert "example.com" in page and "being read" in page
    jobs = runtime.queues().library.jobs
    assert [job.args for job in jobs] == [("https://example.com/summer",)]
    card = {
        "state": "read",
        "title": "Summer offer",
        "description": "Every plan.",
        "image": "https://cdn.example.com/c.png",
    }
    runtime.queues().connection.set(link_cards._key("https://example.com/summer"), json.dumps(card))

    page = preview(client, "facebook", body="Read this", link="https://example.com/summer")

    assert 'data-card-state="read"' in page and "data-card-pending" not in page
    assert '<strong class="pv-card-title">Summer offer</strong>' in page
    assert 'src="https://cdn.example.com/c.png"' in page


def test_a_post_with_pictures_shows_them_instead_of_a_card(client):
    page = preview(client, "bluesky", body="Look", link="https://example.com/summer", extra={"media": [image(1)]})
    assert "pv-card" not in page and 'data-images="1"' in page


def test_a_pin_shows_its_picture_title_and_the_links_domain(client):
    pin = {"title": "Summer", "body": "Every plan", "link": "https://www.example.com/s", "extra": {"media": [image(1)]}}
    page = preview(client, "pinterest", **pin)
    assert 'data-images="1"' in page and '<h3 class="pv-title">Summer</h3>' in page
    assert '<small class="pv-domain">example.com</small>' in page


def test_a_video_shows_its_title_thumbnail_and_description(client):
    page = preview(client, "youtube", title="How the offer works", body="All the #details", extra={"media": [image(9)]})
    assert '<h3 class="pv-title">How the offer works</h3>' in page
    assert 'src="https://cdn.example.com/9.png"' in page
    assert '<span class="pv-hashtag">#details</span>' in page and "private" in page


def test_the_newsletter_shows_its_subject_and_its_mail_in_a_sandboxed_frame_without_inline_styles(client):
    page = preview(
        client,
        "newsletter",
        title="Summer issue",
        body="The offer is here. <script>alert(1)</script>\n\n## Next\n\nMore to come.",
        extra={"preheader": "What is new this summer"},
    )
    assert '<span class="pv-subject">Summer issue</span>' in page and "What is new this summer" in page
    assert '<iframe class="pv-frame" sandbox=""' in page
    mail = srcdoc(page)
    assert "<h1>Summer issue</h1>" in mail and "<h2>Next</h2>" in mail
    assert "<script" not in mail and "style=" not in mail  # cleaned, and nothing the page's CSP would refuse
    assert 'rel="stylesheet" href="/static/preview_frame.css"' in mail


def test_the_blog_shows_its_title_and_article_in_a_sandboxed_frame(client):
    page = preview(client, "blog", title="A summer guide", body="The **offer** explained. <img src=x onerror=alert(1)>")
    article = srcdoc(page)
    assert "<h1>A summer guide</h1>" in article and "<strong>offer</strong>" in article
    assert "onerror" not in article and "/a-summer-guide" in page


def test_the_search_ad_shows_headline_description_and_display_url(client):
    page = preview(
        client,
        "ppc",
        body="Summer offer",
        link="https://www.example.com/summer",
        extra={
            "headlines": ["Summer offer", "Every plan", "Ask us"],
            "descriptions": ["All plans included.", "Until June."],
            "path1": "summer",
            "path2": "offer",
        },
    )
    assert '<h3 class="pv-headline">Summer offer | Every plan | Ask us</h3>' in page
    assert "All plans included. Until June." in page
    assert '<span class="pv-display-url">example.com/summer/offer</span>' in page


def test_a_draft_that_cannot_take_its_shape_yet_says_what_is_missing(client):
    page = preview(client, "blog", body="No title yet")
    assert "No Blog preview yet: a blog post needs a title" in page


def test_what_people_type_is_shown_as_text_never_as_markup(client):
    page = preview(client, "twitter", body='<img src=x onerror="alert(1)"> #tag')
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page


def test_the_preview_of_an_unknown_channel_is_a_404(client):
    assert client.post("/api/v1/channels/friendster/preview", json={"body": "x"}).status_code == 404


@pytest.mark.parametrize("channel", ["twitter", "mastodon", "bluesky", "facebook", "pinterest", "youtube", "webhook"])
def test_every_channel_has_a_preview(client, channel):
    page = preview(client, channel, title="Summer", body="The summer offer", extra={"media": [image(1)]})
    assert f"pv-{channel}" in page


@pytest.mark.parametrize(
    ("channel", "limit", "said"),
    [("mastodon", 500, "characters over Mastodon's 500"), ("bluesky", 300, "characters over Bluesky's 300")],
)
def test_a_post_too_long_for_mastodon_or_bluesky_is_shown_as_the_one_status_it_would_be_and_refused(
    client, channel, limit, said
):
    # neither adapter splits a long post into a thread: the preview shows the one status that would be
    # sent, the words past the network's limit marked, and says it is not sent like this
    words = "word " * 120
    body = (words + "the tail end").strip()
    page = preview(client, channel, body=body)
    assert page.count('<article class="pv-item') == 1
    assert "A thread of" not in page and "pv-threaded" not in page
    shown = html.unescape(re.sub(r"<[^>]+>", "", page.split('<p class="pv-text">')[1].split("</p>")[0]))
    assert shown == body, "every word is shown, the part past the limit too"
    over = html.unescape(re.sub(r"<[^>]+>", "", page.split('<mark class="pv-over"')[1].split("</mark>")[0]))
    over = over.split(">", 1)[1]
    assert body.endswith(over) and len(body) - len(over) == limit
    assert '<p class="pv-refused">Not sent as it is: ' in page and said in html.unescape(page)


def test_a_post_that_fits_is_one_status_with_nothing_marked_or_refused(client):
    for channel in ("mastodon", "bluesky"):
        page = preview(client, channel, body="Short and sweet #summer")
        assert page.count('<article class="pv-item') == 1
        assert "pv-over" not in page and "pv-refused" not in page


def test_a_post_of_pictures_only_still_shows_its_status_with_the_pictures(client):
    page = preview(client, "mastodon", body="", extra={"media": [image(1)]})
    assert page.count('<article class="pv-item') == 1 and 'data-images="1"' in page
