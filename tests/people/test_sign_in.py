"""Signing in and out, passwords set through one-time links, sessions that end when they should."""

import time

import pytest

from scheduler.services import people
from tests.factories import PASSWORD, make_person, signed_in


def sign_in(client, email, password, next_page=None):
    return client.post(
        "/login" + (f"?next={next_page}" if next_page else ""), data={"email": email, "password": password}
    )


@pytest.fixture
def creator(app):
    return make_person("chloe@example.com", "creator", "Chloé")


def test_a_page_sends_someone_not_signed_in_to_the_sign_in_page_and_back(anonymous, creator):
    answer = anonymous.get("/style?kind=script")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")
    signed = sign_in(anonymous, "Chloe@Example.com ", PASSWORD, next_page="/style?kind%3Dscript")
    assert signed.status_code == 302 and signed.headers["Location"] == "/style?kind=script"
    assert "Chloé" in anonymous.get("/style").get_data(as_text=True)


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(anonymous, creator):
    wrong = sign_in(anonymous, "chloe@example.com", "not the password at all")
    unknown = sign_in(anonymous, "nobody@example.com", PASSWORD)
    assert wrong.status_code == unknown.status_code == 422
    assert "not right" in wrong.get_data(as_text=True) and "not right" in unknown.get_data(as_text=True)
    assert 'value="chloe@example.com"' in wrong.get_data(as_text=True), "the address typed is kept"
    assert anonymous.get("/").status_code == 302, "still not signed in"


def test_after_signing_in_only_pages_of_ours_are_followed(anonymous, creator):
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        answer = sign_in(anonymous, "chloe@example.com", PASSWORD, next_page=elsewhere)
        assert answer.headers["Location"] == "/", elsewhere
        anonymous.post("/logout")


def test_signing_out_ends_the_session(client):
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_a_password_link_works_once_and_the_password_then_signs_in(app, anonymous):
    person, _new = people.create_or_update("wei@example.com", "creator", "Wang Wei")
    link = people.password_link(person).removeprefix(app.extensions["refrain.settings"].public_url)
    short = anonymous.post(link, data={"password": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    assert anonymous.post(link, data={"password": "wei's own long passphrase"}).status_code == 302
    assert anonymous.get("/").status_code == 200, "signed in by setting it"
    again = app.test_client().get(link)
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    fresh = app.test_client()
    assert sign_in(fresh, "wei@example.com", "wei's own long passphrase").status_code == 302


def test_a_password_link_expires_after_a_week(app, anonymous, monkeypatch):
    person, _new = people.create_or_update("wei@example.com", "creator")
    eight_days_ago = time.time() - 8 * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: eight_days_ago)
    link = people.password_link(person).removeprefix(app.extensions["refrain.settings"].public_url)
    monkeypatch.undo()
    answer = anonymous.get(link)
    assert answer.status_code == 410 and "expired" in answer.get_data(as_text=True)


def test_a_forged_link_is_refused(anonymous):
    answer = anonymous.get("/password/eyJ1IjoxLCJlIjowfQ.forged.signature")
    assert answer.status_code == 410 and "not a link Refrain sent" in answer.get_data(as_text=True)


def test_changing_a_password_signs_out_every_other_session(app, creator):
    laptop, phone = signed_in(app, creator), signed_in(app, creator)
    assert phone.get("/").status_code == 200
    changed = laptop.post(
        "/me", data={"form": "password", "current_password": PASSWORD, "new_password": "a brand new passphrase"}
    )
    assert changed.status_code == 302
    assert laptop.get("/").status_code == 200, "the session that changed it goes on"
    assert phone.get("/").status_code == 302, "every other one has ended"


def test_someone_who_may_no_longer_sign_in_is_signed_out(app, client, creator):
    session = signed_in(app, creator)
    assert session.get("/").status_code == 200
    client.post(f"/people/{creator.id}", data={f"p{creator.id}-role": "creator"})  # "May sign in" unticked
    assert session.get("/").status_code == 302
    assert sign_in(app.test_client(), "chloe@example.com", PASSWORD).status_code == 422


def test_passwords_are_stored_as_argon2id_hashes(app, creator):
    from scheduler.models import User
    from scheduler.models.database import db

    stored = db.session.get(User, creator.id).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_first_owner_comes_in_through_the_link_serve_prints(app, anonymous):
    assert "Nobody is here yet" in anonymous.get("/login").get_data(as_text=True)
    link = people.first_owner_link().removeprefix(app.extensions["refrain.settings"].public_url)
    made = anonymous.post(link, data={"name": "Ana", "email": "ana@example.com", "password": "ana's long passphrase"})
    assert made.status_code == 302 and anonymous.get("/people").status_code == 200, "the owner, signed in"
    again = app.test_client().get(link)
    assert again.status_code == 410 and "already has an owner" in again.get_data(as_text=True)
