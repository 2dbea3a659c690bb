"""One idea, many channels, through the JSON API: a set of linked drafts, each in its channel's shape,
and the changes made once for all of them."""

import pytest

from scheduler.services import lifecycle, post_sets
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import commit, make_plan

IDEA = {
    "title": "The summer offer is here",
    "body": "Our summer offer starts today. It covers every plan we sell. Read how to get it before the end of June.",
    "link": "https://example.com/summer",
}
AT = "2031-06-03T10:00:00+02:00"


@pytest.fixture
def plan(app, clock_at):
    clock_at("2031-05-20T12:00:00+02:00")
    plan = make_plan()
    for channel in ("twitter", "newsletter", "ppc"):
        commit(plan, channel)
    return plan


def compose(client, plan, channels=("twitter", "newsletter", "ppc"), **more):
    answer = client.post(
        "/api/v1/post-sets",
        json={"plan_id": plan.id, "idea": IDEA, "channels": list(channels), "scheduled_at": AT, **more},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def by_channel(made):
    return {post["channel"]: post for post in made["posts"]}


def test_one_idea_for_three_channels_makes_three_linked_drafts_each_in_its_adapters_shape(client, plan):
    made = compose(client, plan)

    posts = by_channel(made)
    assert sorted(posts) == ["newsletter", "ppc", "twitter"]
    assert {post["set_id"] for post in made["posts"]} == {made["id"]}
    assert {post["status"] for post in made["posts"]} == {"draft"}
    assert made["status"]["state"] == "drafts" and made["status"]["counts"] == {"draft": 3}
    # X: the headline with its link, then the key sentences, as a thread
    tweet = posts["twitter"]
    assert tweet["extra"]["thread"] is True and tweet["link"] == IDEA["link"]
    assert tweet["body"].split("\n---\n")[0] == IDEA["title"]
    # the newsletter: a feature section under the title as subject, the link tagged for its clicks
    issue = posts["newsletter"]
    assert issue["title"] == IDEA["title"] and issue["body"].startswith("## The summer offer is here")
    assert "utm_source=newsletter" in issue["link"]
    # the search ad: headlines and descriptions cut from the idea
    ad = posts["ppc"]
    assert ad["extra"]["headlines"][0] == "The summer offer is here" and len(ad["extra"]["descriptions"]) >= 2
    assert all(not post["edited_by_hand"] for post in made["posts"])
    # each is a normal post, found on its own, and says which set it is in
    alone = client.get(f"/api/v1/posts/{tweet['id']}").get_json()
    assert alone["set_id"] == made["id"] and alone["scheduled_at"] == "2031-06-03T08:00:00+00:00"
    assert client.get(f"/api/v1/post-sets/{made['id']}").get_json()["posts"] == made["posts"]


def test_without_a_time_each_draft_takes_its_channels_next_free_slot(client, plan):
    made = compose(client, plan, channels=["twitter"], scheduled_at=None)
    assert made["posts"][0]["scheduled_at"] == "2031-06-01T08:00:00+00:00"  # the plan's first day, 10:00 in Paris


def test_editing_the_idea_adapts_again_only_the_drafts_nobody_edited(client, plan):
    made = compose(client, plan)
    posts = by_channel(made)
    by_hand = {"body": "Summer is here: our offer, by hand."}
    assert client.patch(f"/api/v1/posts/{posts['twitter']['id']}", json=by_hand).status_code == 200

    changed = client.patch(
        f"/api/v1/post-sets/{made['id']}",
        json={"idea": {"body": "The summer offer starts on Monday. It covers every plan. Ask us how to get it."}},
    )

    assert changed.status_code == 200, changed.get_json()
    answer = changed.get_json()
    assert sorted(answer["changes"]["readapted"]) == sorted([posts["newsletter"]["id"], posts["ppc"]["id"]])
    assert answer["changes"]["kept"] == [{"post_id": posts["twitter"]["id"], "why": "edited by hand"}]
    now = by_channel(answer)
    assert now["twitter"]["body"] == "Summer is here: our offer, by hand." and now["twitter"]["edited_by_hand"]
    assert "starts on Monday" in now["newsletter"]["body"] and not now["newsletter"]["edited_by_hand"]
    assert "starts on Monday." in now["ppc"]["extra"]["descriptions"][0]
    assert answer["idea"]["title"] == IDEA["title"]  # a field not given stays as it was


def test_a_new_link_reaches_the_posts_edited_by_hand_that_still_carry_the_old_one(client, plan):
    made = compose(client, plan, channels=["twitter", "mastodon"])
    posts = by_channel(made)
    client.patch(f"/api/v1/posts/{posts['mastodon']['id']}", json={"body": "By hand: https://example.com/summer"})

    answer = client.patch(
        f"/api/v1/post-sets/{made['id']}", json={"idea": {"link": "https://example.com/summer-2031"}}
    ).get_json()

    now = by_channel(answer)
    assert answer["changes"]["readapted"] == [posts["twitter"]["id"]]
    assert answer["changes"]["relinked"] == [posts["mastodon"]["id"]]
    assert now["twitter"]["link"] == now["mastodon"]["link"] == "https://example.com/summer-2031"
    assert now["mastodon"]["body"] == "By hand: https://example.com/summer-2031"


def test_moving_a_set_moves_every_post_not_yet_out_and_keeps_the_rest(client, plan):
    made = compose(client, plan)
    posts = by_channel(made)
    client.delete(f"/api/v1/posts/{posts['ppc']['id']}")

    answer = client.patch(f"/api/v1/post-sets/{made['id']}", json={"shift_minutes": 90}).get_json()

    now = by_channel(answer)
    assert now["twitter"]["scheduled_at"] == now["newsletter"]["scheduled_at"] == "2031-06-03T09:30:00+00:00"
    assert now["ppc"]["scheduled_at"] == "2031-06-03T08:00:00+00:00"
    assert answer["changes"]["kept"] == [{"post_id": posts["ppc"]["id"], "why": "cancelled"}]
    assert not any(post["edited_by_hand"] for post in answer["posts"])  # a time is not the post's words


def published(post_id):
    with unit_of_work():
        for to, allowed in (("scheduled", {"draft"}), ("queued", {"scheduled"}), ("publishing", {"queued"})):
            assert lifecycle.move(post_id, to, allowed, note="test")
        assert lifecycle.move(post_id, "published", {"publishing"}, note="test")


def test_cancelling_a_set_cancels_its_posts_not_yet_out_and_keeps_the_published_one(client, plan):
    made = compose(client, plan)
    posts = by_channel(made)
    assert client.post(f"/api/v1/posts/{posts['newsletter']['id']}/schedule").status_code == 200
    published(posts["ppc"]["id"])
    assert client.get(f"/api/v1/post-sets/{made['id']}").get_json()["status"]["state"] == "partly_published"

    answer = client.delete(f"/api/v1/post-sets/{made['id']}")

    assert answer.status_code == 200
    result = answer.get_json()
    assert sorted(result["changes"]["cancelled"]) == sorted([posts["twitter"]["id"], posts["newsletter"]["id"]])
    assert result["changes"]["kept"] == [{"post_id": posts["ppc"]["id"], "why": "published"}]
    statuses = {post["channel"]: post["status"] for post in result["posts"]}
    assert statuses == {"twitter": "cancelled", "newsletter": "cancelled", "ppc": "published"}
    assert result["cancelled_at"] and result["status"]["state"] == "published"
    refused = client.patch(f"/api/v1/post-sets/{made['id']}", json={"idea": {"body": "Again"}})
    assert refused.status_code == 422


def test_a_set_says_its_problems_at_a_glance(client, plan):
    made = compose(client, plan, channels=["twitter", "pinterest"])  # a pin needs a picture
    assert made["status"]["errors"] >= 1
    pin = by_channel(made)["pinterest"]
    assert any(p["severity"] == "error" for p in pin["problems"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"idea": {"body": ""}, "channels": ["twitter"]}, "idea.body"),
        ({"idea": IDEA, "channels": ["twitter", "friendster"]}, "channels"),
        ({"idea": IDEA, "channels": []}, "channels"),
        ({"idea": {**IDEA, "link": "javascript:alert(1)"}, "channels": ["twitter"]}, "idea.link"),
        ({"idea": {**IDEA, "media": [{"type": "image"}]}, "channels": ["twitter"]}, "idea.media"),
        ({"idea": "a text", "channels": ["twitter"]}, "idea"),
    ],
)
def test_the_composer_refuses_what_it_cannot_use_and_makes_nothing(client, plan, body, field):
    answer = client.post("/api/v1/post-sets", json={"plan_id": plan.id, **body})
    assert answer.status_code in (400, 422)
    assert field in answer.get_json()["error"]["fields"], answer.get_json()
    assert client.get(f"/api/v1/posts?plan_id={plan.id}").get_json() == []


def test_a_set_that_does_not_exist_is_a_404(client, plan):
    assert client.get("/api/v1/post-sets/999").status_code == 404
    assert client.delete("/api/v1/post-sets/999").status_code == 404


def test_sets_are_in_the_audit_trail_and_the_service_counts_their_untouched_posts(app, client, plan):
    made = compose(client, plan, channels=["twitter"])
    post_set = post_sets.get_set(made["id"])
    assert [post_sets.untouched(p) for p in post_sets.members(post_set)] == [True]
    trail = client.get("/api/v1/audit?object=post set").get_json()
    assert {"type": "post set", "id": made["id"]} in [line["object"] for line in trail]


def test_one_idea_posted_twice_is_repetition_but_the_posts_of_one_set_are_not(client, plan):
    def schedule_all(made):
        for post in made["posts"]:
            assert client.post(f"/api/v1/posts/{post['id']}/schedule").status_code == 200

    first = compose(client, plan, channels=["twitter", "newsletter"])
    schedule_all(first)
    assert client.get(f"/api/v1/plans/{plan.id}/compliance").get_json()["repeated_messages"] == []

    again = compose(client, plan, channels=["twitter"], scheduled_at="2031-06-05T10:00:00+02:00")
    schedule_all(again)

    groups = client.get(f"/api/v1/plans/{plan.id}/compliance").get_json()["repeated_messages"]
    tweets = [by_channel(first)["twitter"]["id"], again["posts"][0]["id"]]
    assert [(g["channel"], g["post_ids"]) for g in groups] == [("twitter", tweets)]
