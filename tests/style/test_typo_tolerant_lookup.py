"""Looking the guide up forgives a typo: "refnd" finds the refund script, a word the guide holds is never
second-guessed, and the word still being typed is completed as before."""

from scheduler.domain.near_words import allowed_edits, near_words, vocabulary_of
from scheduler.domain.search_text import index_text

VOCABULARY = vocabulary_of(
    [index_text("Refund requests by email: apologise, confirm the refund, answer within a day. Guidelines.")]
)


def test_a_slip_finds_the_word_it_stands_for_and_a_known_word_stays_as_typed():
    assert near_words(["refnd"], VOCABULARY, last_is_prefix=False) == ["refund"]
    assert near_words(["rfeund"], VOCABULARY, last_is_prefix=False) == ["refund"], "a swap is one slip"
    assert near_words(["guidlines"], VOCABULARY, last_is_prefix=False) == ["guidelines"]
    assert near_words(["refund"], VOCABULARY, last_is_prefix=False) == []
    assert near_words(["refu"], VOCABULARY) == [], "being typed: the start of a word, completed as a prefix"
    assert near_words(["day"], VOCABULARY, last_is_prefix=False) == [], "short words are left alone"
    assert near_words(["夏季", "2031"], VOCABULARY, last_is_prefix=False) == []
    assert [allowed_edits(w) for w in ("ab", "abcd", "abcdefg", "abcdefgh")] == [0, 1, 1, 2]


def test_the_lookup_finds_refund_for_refnd_and_marks_the_word(client, app):
    for entry in (
        {"kind": "script", "title": "Refund requests by email", "body": "Apologise, then confirm the refund."},
        {"kind": "guideline", "title": "Replies on X", "body": "Answer within the hour."},
    ):
        assert client.post("/api/v1/style/entries", json=entry).status_code == 201
    found = client.get("/api/v1/style/search?q=refnd").get_json()
    assert [e["title"] for e in found] == ["Refund requests by email"]
    assert "<mark>Refund</mark>" in found[0]["title_html"]
    typed = client.get("/api/v1/style/search?q=answer%20wthin").get_json()
    assert [e["title"] for e in typed] == ["Replies on X"]
    assert client.get("/api/v1/style/search?q=refu").get_json()[0]["title"] == "Refund requests by email"
    # a new entry's words are in the vocabulary at once
    client.post("/api/v1/style/entries", json={"kind": "guideline", "title": "Chargebacks", "body": "Never argue."})
    assert [e["title"] for e in client.get("/api/v1/style/search?q=chargebakcs").get_json()] == ["Chargebacks"]
