"""The NUL character, which no database keeps (PostgreSQL's text refuses it): refused by field, never a 500."""


def test_a_nul_in_a_body_is_refused_with_the_fields_that_hold_it(client):
    answer = client.post(
        "/api/v1/style/entries",
        json={"kind": "term_rule", "title": "Plain", "avoid": "cheap", "prefer": "fair\u0000", "keywords": ["a\u0000"]},
    )
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"prefer", "keywords"}
    assert client.get("/api/v1/style/entries").get_json() == [], "nothing was saved"


def test_a_nul_typed_in_a_page_form_is_said_beside_its_field(client):
    answer = client.post("/style/new", data={"kind": "guideline", "title": "Tone\u0000", "body": "Warm."})
    assert answer.status_code == 422 and "NUL character" in answer.get_data(as_text=True)
