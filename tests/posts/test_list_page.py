"""The posts list as people use it: a page at a time, newest first, filtered and sorted; posts ticked (or
every post matching) reviewed before a bulk action, which then says what happened to each."""

import re

import pytest
from sqlalchemy import update

from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import posts
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import commit, make_person, make_plan, make_post, signed_in


@pytest.fixture
def plan(app, clock_at):
    clock_at("2031-05-20T12:00:00+02:00")
    plan = make_plan()
    commit(plan, "twitter")
    return plan


def html_of(answer, status=200) -> str:
    assert answer.status_code == status, answer.get_data(as_text=True)[:2000]
    return answer.get_data(as_text=True)


def test_the_list_is_paged_newest_first_and_the_next_page_follows(client, plan):
    for day in range(1, 31):
        make_post(plan, body=f"Post of June {day:02d}", when=f"2031-06-{day:02d}T10:00:00+02:00")
    first = html_of(client.get(f"/plans/{plan.id}/posts?size=25"))
    assert "30 matching" in first
    shown = re.findall(r">Post of June (\d\d)<", first)
    assert shown == [f"{d:02d}" for d in range(30, 5, -1)]
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = html_of(client.get(following))
    assert re.findall(r">Post of June (\d\d)<", second) == ["05", "04", "03", "02", "01"]
    assert 'rel="next"' not in second and 'rel="prev"' in second
    oldest = html_of(client.get(f"/plans/{plan.id}/posts?size=25&dir=asc"))
    assert re.findall(r">Post of June (\d\d)<", oldest)[:2] == ["01", "02"]
    assert 'aria-sort="ascending"' in oldest


def test_a_viewer_reads_the_list_without_the_bulk_bar(app, plan):
    make_post(plan)
    viewer = signed_in(app, make_person("vic@example.com", "viewer", "Vic"))
    html = html_of(viewer.get(f"/plans/{plan.id}/posts"))
    assert "Profitez" in html and 'name="ids"' not in html and "Review…" not in html
    assert viewer.post(f"/plans/{plan.id}/posts/bulk", data={"action": "cancel"}).status_code == 403


def test_a_cancel_is_reviewed_first_lists_what_cannot_be_cancelled_then_is_confirmed(client, plan):
    queued = posts.schedule_post(make_post(plan, body="Offre d'été en file"))
    out = make_post(plan, body="Déjà parti")
    with unit_of_work():
        db.session.execute(update(Post).where(Post.id == out.id).values(status="published"))
    chosen = {"ids": [str(queued.id), str(out.id)], "scope": "selected", "action": "cancel", "step": "review"}
    review = html_of(client.post(f"/plans/{plan.id}/posts/bulk", data=chosen))
    assert "Review: Cancel" in review and "<strong>1</strong> will change" in review
    assert "cannot: it is published: what went out stays out" in review
    assert posts.get_post(queued.id).status == "queued", "nothing changes before the confirmation"
    assert "Confirm: cancel" in review
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', review))
    assert hidden["step"] == "confirm" and hidden["action"] == "cancel"
    done = html_of(client.post(f"/plans/{plan.id}/posts/bulk", data={**chosen, "step": "confirm"}))
    assert "<strong>1</strong> of the 2 posts changed" in done and "refused: it is published" in done
    db.session.expire_all()
    assert posts.get_post(queued.id).status == "cancelled" and posts.get_post(out.id).status == "published"


def test_every_post_matching_the_filters_is_shifted_by_the_bar(client, plan):
    tweets = [make_post(plan, body=f"Offre d'été {n}", when="2031-06-02T10:00:00+02:00") for n in range(3)]
    blog = make_post(plan, "blog", title="Billet", body="Un billet", when="2031-06-02T10:00:00+02:00")
    listing = html_of(client.get(f"/plans/{plan.id}/posts?channel=twitter"))
    filters = re.search(r'name="filters" value="([^"]*)"', listing).group(1).replace("&#34;", '"')
    data = {"scope": "matching", "action": "shift", "amount": "-2", "unit": "hours", "filters": filters}
    review = html_of(client.post(f"/plans/{plan.id}/posts/bulk", data={**data, "step": "review"}))
    assert "Review: Reschedule by -2 h" in review and "<strong>3</strong> will change" in review
    assert "Mon 02 Jun 2031, 08:00" in review
    html_of(client.post(f"/plans/{plan.id}/posts/bulk", data={**data, "step": "confirm"}))
    db.session.expire_all()
    assert {posts.get_post(p.id).scheduled_at.hour for p in tweets} == {6}  # 08:00 in Paris
    assert posts.get_post(blog.id).scheduled_at.hour == 8


def test_a_bulk_action_the_service_refuses_is_said_and_changes_nothing(client, plan):
    post = make_post(plan)
    answer = client.post(
        f"/plans/{plan.id}/posts/bulk",
        data={"ids": [str(post.id)], "scope": "selected", "action": "date", "day": "", "step": "review"},
        follow_redirects=True,
    )
    assert "Nothing was changed: To the date" in html_of(answer)
    none = client.post(
        f"/plans/{plan.id}/posts/bulk", data={"scope": "selected", "action": "cancel"}, follow_redirects=True
    )
    assert "Nothing was changed: Apply to" in html_of(none)


def test_a_count_past_what_is_worth_counting_says_more_than(client, plan, monkeypatch):
    from scheduler.services import post_pages

    monkeypatch.setattr(post_pages, "COUNTED_UP_TO", 2)
    for n in range(3):
        make_post(plan, body=f"Offre d'été {n}")
    html = html_of(client.get(f"/plans/{plan.id}/posts"))
    assert "more than 2 matching" in html and "every post matching the filters (more than 2)" in html
