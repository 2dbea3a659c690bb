"""What a page says about itself for a link card, read from its head."""

from hypothesis import given
from hypothesis import strategies as st

from scheduler.domain.open_graph import read_card


def test_open_graph_wins_over_the_title_and_a_relative_picture_becomes_absolute():
    page = """<html><head><title>Plain</title><meta name="description" content="Plain words">
    <meta property="og:title" content=" The  offer "><meta property="og:image" content="/img/a.png">
    <meta property="og:site_name" content="Example"></head><body></body></html>"""
    card = read_card(page, "https://example.com/summer/")
    assert card == {
        "title": "The offer",
        "description": "Plain words",
        "image": "https://example.com/img/a.png",
        "site_name": "Example",
    }


def test_a_page_without_open_graph_gives_its_title_and_a_picture_that_is_not_http_is_dropped():
    card = read_card(
        "<title>Only a title</title><meta property='og:image' content='javascript:alert(1)'>", "https://e.x"
    )
    assert card["title"] == "Only a title" and card["image"] == ""


def test_long_texts_are_cut_to_what_a_card_shows():
    card = read_card(f'<meta property="og:description" content="{"word " * 200}">', "https://e.x")
    assert len(card["description"]) <= 300 and card["description"].endswith("…")


@given(st.text(max_size=300))
def test_any_text_reads_as_a_card_without_failing(text):
    card = read_card(text, "https://example.com/")
    assert set(card) == {"title", "description", "image", "site_name"}
