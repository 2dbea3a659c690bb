"""Each event kind fires from its real cause, once: a post put in review, an indicator's alert, a pattern
flagged, a commitment behind, a post failed or unconfirmed; chat formats read as Slack and Mattermost
expect, in the chosen language."""

import json
from datetime import timedelta

from channels.base import Channel, Draft, Outcome
from scheduler.jobs import tasks
from scheduler.services import kpis, lifecycle, plans, posts, sweeper
from scheduler.services.actor import Actor, acting_as
from scheduler.services.clock import now
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import commit, due_posts, make_person, make_plan, make_post
from tests.webhooks.conftest import deliver, subscribe

SUMMER_DAY = "2031-06-03T12:00:00+02:00"


def bodies(receiver) -> list[dict]:
    return [json.loads(seen.body) for seen in receiver.received("POST", "/hook")]


def as_creator(app):
    creator = make_person("chloe@example.com", "creator", "Chloé")
    return acting_as(Actor(creator.id, creator.name, "creator"))


def test_a_post_waiting_for_approval_reaches_slack_and_mattermost_as_chat_lines(allowed, manager, receiver, clock_at):
    clock_at("2031-05-01T09:00:00+02:00")
    plan = make_plan(approval_required=True)
    subscribe(manager, receiver, events=["post.waiting_approval"], format="slack")
    subscribe(manager, receiver, events=["post.waiting_approval"], format="mattermost", language="fr")
    post = make_post(plan, title="Big <launch> & more", channel="blog", body="Profitez de l'Offre d'été ! " * 5)
    with as_creator(allowed):
        posts.schedule_post(posts.get_post(post.id))
    assert posts.get_post(post.id).status == "in_review"
    deliver(allowed)
    slack, mattermost = sorted(bodies(receiver), key=lambda b: "blocks" not in b)
    link = f"http://localhost/posts/{post.id}"
    assert slack["text"] == f"Waiting for approval on blog: <{link}|Big &lt;launch&gt; &amp; more>"
    assert slack["blocks"][0]["text"] == {"type": "mrkdwn", "text": slack["text"]}
    assert mattermost == {"text": f"En attente de validation sur blog : [Big <launch> & more]({link})"}


def test_an_indicators_alert_is_told_to_the_webhooks(allowed, manager, receiver):
    plan = make_plan(name="Été 2031")
    subscribe(manager, receiver, events=["kpi.alert"])
    kpis.set_kpi(plan, "Sales", {"targets": {"2031-06": 1000, "2031-07": 1000}})
    kpis.record_actuals(plan, "Sales", {"2031-06": 800, "2031-07": 850})
    kpis.record_actuals(plan, "Sales", {"2031-07": 840})  # still on: not told again
    deliver(allowed)
    [told] = bodies(receiver)
    assert told["event"] == "kpi.alert"
    assert (told["data"]["kpi"], told["data"]["plan_name"]) == ("Sales", "Été 2031")
    assert [m["month"] for m in told["data"]["months"]] == ["2031-06", "2031-07"]


def test_a_flagged_pattern_is_told_once_while_it_stays_flagged(allowed, manager, receiver, clock_at):
    clock_at("2031-03-20T12:00:00+00:00")
    subscribe(manager, receiver, events=["pattern.flagged"], format="mattermost")
    for _n in range(12):
        manager.post(
            "/api/v1/interactions", json={"channel": "chat", "kind": "refund request", "resolution": "negative"}
        )
    for n in range(30):
        resolution = "positive" if n % 10 else "negative"
        manager.post(
            "/api/v1/interactions", json={"channel": "email_support", "kind": "question", "resolution": resolution}
        )
    assert tasks.watch_events()["flagged"] == 1
    assert tasks.watch_events()["flagged"] == 0, "still flagged: not told again"
    deliver(allowed)
    [told] = bodies(receiver)
    assert told["text"].startswith("A pattern on chat: 12 of 12 “refund request” interactions were negative (")
    assert "(http://localhost/interactions/patterns/chat/" in told["text"]


def test_a_commitment_behind_is_told_once_per_period_that_ended_short(allowed, manager, receiver, clock_at):
    clock_at("2031-05-20T09:00:00+02:00")
    plan = make_plan()
    commit(plan, "twitter")  # 4 a day
    for hour in (9, 10, 11, 12):
        posts.schedule_post(make_post(plan, when=f"2031-06-05T{hour:02d}:00:00+02:00"))
    subscribe(manager, receiver, events=["commitment.behind"], plan_id=plan.id)
    other = make_plan(name="Another")
    subscribe(manager, receiver, events=["commitment.behind"], plan_id=other.id)
    clock_at(SUMMER_DAY)  # June 1 and 2 are over, with nothing posted
    assert tasks.watch_events()["behind"] == 1
    assert tasks.watch_events()["behind"] == 0
    deliver(allowed)
    [told] = bodies(receiver)
    assert told["event"] == "commitment.behind"
    data = told["data"]
    assert (data["channel"], data["first_day"], data["posts"], data["committed"]) == ("twitter", "2031-06-02", 0, 4)
    assert data["url"] == f"http://localhost/plans/{plan.id}/report"
    assert plans.get_plan(plan.id).name == data["plan_name"]


def test_a_subscription_on_another_plan_or_paused_hears_nothing(allowed, manager, receiver):
    plan, other = make_plan(), make_plan(name="Other")
    subscribe(manager, receiver, events=["kpi.alert"], plan_id=other.id)
    paused = subscribe(manager, receiver, events=["kpi.alert"])
    assert manager.patch(f"/api/v1/webhooks/{paused['id']}", json={"active": False}).get_json()["active"] is False
    kpis.set_kpi(plan, "Sales", {"targets": {"2031-06": 1000, "2031-07": 1000}})
    kpis.record_actuals(plan, "Sales", {"2031-06": 800, "2031-07": 850})
    deliver(allowed)
    assert receiver.received() == []


class Refusing(Channel):
    """A channel whose service refuses every post: the worker records the post as failed."""

    name = "refusingtest"
    label = "Refusing test channel"

    def render(self, post):
        return Draft(channel=self.name, payload={"text": post.body}, preview=post.body)

    def check(self, post, draft):
        return None, []

    def deliver(self, draft, post, context):
        return Outcome.rejected("the service said no")


def test_a_post_the_worker_fails_or_leaves_unconfirmed_is_told(allowed, manager, receiver, extra_channel):
    extra_channel(Refusing)
    subscribe(manager, receiver, events=["post.failed", "post.unconfirmed"])
    plan = make_plan()
    refused, stuck = due_posts(plan, 1, channel="refusingtest")[0], due_posts(plan, 1)[0]
    posts.schedule_post(refused)
    deliver(allowed)  # the worker's delivery is refused: failed
    posts.schedule_post(stuck)
    with unit_of_work():  # a worker claimed it, then died mid-delivery
        lifecycle.claim(stuck.id, note="claimed by a worker", claimed_at=now())
    sweeper.give_up_on_stuck(claimed_before=now() + timedelta(minutes=1))
    deliver(allowed)
    failed, unconfirmed = bodies(receiver)
    assert (failed["event"], failed["data"]["post_id"]) == ("post.failed", refused.id)
    assert failed["data"]["reason"] == "the service said no"
    assert (unconfirmed["event"], unconfirmed["data"]["post_id"]) == ("post.unconfirmed", stuck.id)
