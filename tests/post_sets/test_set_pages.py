"""The composer's pages: compose, a set at a glance with its previews, a change made once, a confirmed cancel."""

import re

import pytest

from scheduler.services import post_sets
from tests.factories import commit, make_plan

IDEA = {
    "title": "The summer offer is here",
    "body": "Our summer offer starts today. It covers every plan we sell. Read how to get it before June ends.",
    "link": "https://example.com/summer",
}


@pytest.fixture
def plan(app, clock_at):
    clock_at("2031-05-20T12:00:00+02:00")
    plan = make_plan()
    for channel in ("twitter", "newsletter", "ppc"):
        commit(plan, channel)
    return plan


def composed(client, plan, channels=("twitter", "newsletter", "ppc")):
    answer = client.post(
        f"/plans/{plan.id}/compose",
        data={**IDEA, "channels": list(channels), "scheduled_local": "2031-06-03T10:00"},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return int(re.search(r"/post-sets/(\d+)$", answer.headers["Location"]).group(1))


def test_the_composer_offers_every_channel_with_the_plans_committed_ones_checked(client, plan):
    page = client.get(f"/plans/{plan.id}/compose").get_data(as_text=True)
    checked = re.findall(r'<input checked id="channels-\d+" name="channels" type="checkbox" value="(\w+)">', page)
    assert sorted(checked) == ["newsletter", "ppc", "twitter"]
    assert 'value="mastodon"' in page and "<span>The idea</span>" in page


def test_composing_makes_the_drafts_and_the_set_page_shows_each_with_its_preview(client, plan):
    set_id = composed(client, plan)

    page = client.get(f"/post-sets/{set_id}").get_data(as_text=True)

    assert "3 drafts made from the idea, one per channel" in page
    assert page.count('<tr data-channel="') == 3 and page.count('class="set-preview"') == 3
    assert 'id="set-state">drafts</span>' in page and "Tue 03 Jun 2031, 10:00" in page
    assert "pv-twitter" in page and "pv-newsletter" in page and "pv-ppc" in page
    assert page.count('<span class="muted">as adapted</span>') == 3


def test_the_idea_changed_on_the_set_page_reaches_only_the_posts_nobody_edited(client, plan):
    set_id = composed(client, plan)
    tweet = next(p for p in post_sets.members(post_sets.get_set(set_id)) if p.channel == "twitter")
    client.post(f"/posts/{tweet.id}", data={"body": "By hand", "scheduled_local": "2031-06-03T10:00", "theme": "auto"})

    answer = client.post(f"/post-sets/{set_id}", data={**IDEA, "body": "The offer starts on Monday.", "what": "idea"})

    assert answer.status_code == 302
    page = client.get(f"/post-sets/{set_id}").get_data(as_text=True)
    assert "2 untouched posts adapted again from the idea; 1 kept as it was (edited by hand)" in page
    assert page.count("edited by hand</strong>") == 1


def test_a_refused_change_shows_the_form_again_with_the_reason(client, plan):
    set_id = composed(client, plan)
    answer = client.post(f"/post-sets/{set_id}", data={**IDEA, "body": "", "what": "idea"})
    assert answer.status_code == 422
    assert "The idea is required" in answer.get_data(as_text=True)


def test_moving_the_set_moves_its_posts(client, plan):
    set_id = composed(client, plan)
    client.post(f"/post-sets/{set_id}", data={"what": "shift", "amount": "-1", "unit": "days"})
    assert {p.scheduled_at.isoformat() for p in post_sets.members(post_sets.get_set(set_id))} == {
        "2031-06-02T08:00:00+00:00"
    }


def test_cancelling_a_set_asks_first_listing_what_it_cancels(client, plan):
    set_id = composed(client, plan)
    confirm = client.get(f"/post-sets/{set_id}/cancel").get_data(as_text=True)
    assert "These 3 posts will be cancelled and never delivered" in confirm and "Yes, cancel 3 posts" in confirm
    assert {p.status for p in post_sets.members(post_sets.get_set(set_id))} == {"draft"}  # asking changed nothing

    answer = client.post(f"/post-sets/{set_id}/cancel")

    assert answer.status_code == 302
    assert {p.status for p in post_sets.members(post_sets.get_set(set_id))} == {"cancelled"}
    page = client.get(f"/post-sets/{set_id}").get_data(as_text=True)
    assert "Set cancelled: 3 posts will not be delivered." in page and "Cancel the set" not in page


def test_a_set_post_opens_in_the_editor_with_its_preview_and_a_way_back_to_its_set(client, plan):
    set_id = composed(client, plan)
    tweet = next(p for p in post_sets.members(post_sets.get_set(set_id)) if p.channel == "twitter")
    page = client.get(f"/posts/{tweet.id}").get_data(as_text=True)
    assert f'href="/post-sets/{set_id}">see it on its other channels' in page
    assert 'id="preview" class="network-preview"' in page and "pv-twitter" in page
    assert client.get(f"/posts/{tweet.id}/preview").get_data(as_text=True).count("pv-item") >= 2


def test_composing_without_an_idea_says_so_beside_the_field(client, plan):
    answer = client.post(f"/plans/{plan.id}/compose", data={"body": "", "channels": ["twitter"]})
    assert answer.status_code == 422
    assert "The idea is required" in answer.get_data(as_text=True)


def test_a_viewer_reads_a_set_but_is_offered_no_change(app, client, plan):
    from tests.factories import make_person, signed_in

    set_id = composed(client, plan)
    viewer = signed_in(app, make_person("viewer@example.com", "viewer", "Vera Viewer"))
    page = viewer.get(f"/post-sets/{set_id}").get_data(as_text=True)
    assert "pv-twitter" in page and "Change the idea" not in page and "Cancel the set" not in page
    assert viewer.post(f"/post-sets/{set_id}/cancel").status_code == 403
