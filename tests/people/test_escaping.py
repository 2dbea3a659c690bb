"""What people type about themselves (a name, a token's label) is shown as text everywhere it appears."""

from scheduler.services import tokens
from tests.factories import make_person, make_plan, make_post, signed_in

HOSTILE = '<script>alert("name")</script><img src=x onerror=alert(1)>'


def test_a_hostile_name_and_label_are_escaped_on_every_page_that_shows_them(app, client):
    person = make_person("mallory@example.com", "creator", HOSTILE)
    tokens.create(person, HOSTILE)
    mallory = signed_in(app, person)
    post = make_post(make_plan())
    mallory.patch(f"/api/v1/posts/{post.id}", json={"body": "Edited by someone with a strange name"})
    pages = {
        "/people": client,
        "/audit": client,
        f"/posts/{post.id}": client,
        "/me": mallory,
        "/": mallory,
    }
    for path, reader in pages.items():
        html = reader.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert" in html, f"{path} shows the name, as text"
    me = mallory.get("/api/v1/me").get_json()
    assert me["name"] == HOSTILE, "JSON keeps the text as it was typed"
