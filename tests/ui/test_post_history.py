"""Every edit of a post is in its history, a queued post's too, with who made it."""

from scheduler.services import posts
from tests.factories import BEFORE_THE_PLAN, make_plan, make_post


def test_an_edit_of_a_queued_post_is_a_line_of_its_history(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    post = posts.schedule_post(make_post(plan))
    form = {"action": "save", "body": "Nouveau texte pour l'offre d'été", "scheduled_local": "2031-06-02T11:00"}
    assert client.post(f"/posts/{post.id}", data={**form, "theme": "auto"}).status_code == 302
    edited = posts.get_post(post.id)
    assert edited.status == "queued"
    (line,) = [e for e in edited.events if e.note.startswith("edited")]
    assert (line.from_status, line.to_status) == ("queued", "queued")
    assert line.note.startswith("edited by Olive Owner: text, time")
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "<strong>queued</strong>: edited by Olive Owner: text, time" in page


def test_saving_without_a_change_adds_no_line_and_the_api_edit_adds_one(client, app):
    post = make_post(make_plan())
    client.patch(f"/api/v1/posts/{post.id}", json={"body": post.body})
    assert not [e for e in posts.get_post(post.id).events if e.note.startswith("edited")]
    client.patch(f"/api/v1/posts/{post.id}", json={"title": "Un titre", "link": "https://example.com/ete"})
    notes = [e.note for e in posts.get_post(post.id).events]
    assert notes == ["edited by Olive Owner: title, link"]
