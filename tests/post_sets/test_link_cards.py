"""Link cards: the page's head read by a worker through the guarded outbound path, kept for the previews."""

import pytest

from scheduler import reconfigure
from scheduler.jobs import tasks
from scheduler.services import link_cards
from tests.library.conftest import FeedHost

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Fallback title</title>
<meta property="og:title" content="The summer offer &amp; more">
<meta property="og:description" content="Every plan, all summer.">
<meta property="og:image" content="https://cdn.example.com/summer.png">
</head><body><meta property="og:title" content="not read: in the body"></body></html>"""


@pytest.fixture
def site(app):
    host = FeedHost()
    reconfigure(app, fetch_allow=("127.0.0.1",))  # the stand-in's address, as an admin would allow it
    yield host
    host.close()


def test_a_worker_reads_the_pages_card_and_the_preview_then_shows_it(site):
    url = site.serve("/summer", PAGE, content_type="text/html; charset=utf-8")
    assert link_cards.card(url).state == "pending"

    assert tasks.fetch_link_card(url) == "read"

    card = link_cards.card(url)
    assert (card.state, card.title, card.description) == ("read", "The summer offer & more", "Every plan, all summer.")
    assert card.image == "https://cdn.example.com/summer.png" and card.domain == "127.0.0.1"
    assert len(site.requests) == 1  # kept: the next preview does not ask the site again
    link_cards.card(url)
    assert len(site.requests) == 1


def test_a_link_that_is_not_a_page_shows_its_domain_and_says_why(site):
    url = site.serve("/file.pdf", b"%PDF-1.7", content_type="application/pdf")
    assert tasks.fetch_link_card(url) == "unread"
    card = link_cards.card(url)
    assert card.state == "unread" and card.title == "" and "application/pdf" in card.note


def test_an_address_the_guard_refuses_is_never_fetched(app, site):
    url = site.serve("/summer", PAGE, content_type="text/html")
    reconfigure(app, fetch_allow=())
    assert tasks.fetch_link_card(url) == "unread"
    assert site.requests == [] and "could not be read" in link_cards.card(url).note


def test_only_web_addresses_get_a_card(app):
    assert link_cards.card("javascript:alert(1)") is None
    assert tasks.fetch_link_card("file:///etc/passwd") == "not a web address"
