"""The editor's buttons agree with the status machine: a button never offers a move the machine refuses."""

import pytest

from scheduler.domain.statuses import (
    ACTIONS,
    CANCELLED,
    DRAFT,
    EDITABLE,
    PUBLISHED,
    SCHEDULED,
    STATUSES,
    TRANSITIONS,
    actions_for,
    is_editable,
    sources_of,
)

# the status each button moves a post to
MOVES = {
    "schedule": SCHEDULED,
    "unschedule": DRAFT,
    "cancel": CANCELLED,
    "confirm": PUBLISHED,
    "send_again": SCHEDULED,
    "approve": SCHEDULED,
    "request_changes": DRAFT,
}


def test_a_new_post_can_be_saved_or_scheduled():
    assert actions_for(None) == ("save", "schedule")


@pytest.mark.parametrize("status", STATUSES)
def test_each_button_is_a_move_the_machine_allows(status):
    actions = actions_for(status)
    assert actions == ACTIONS[status]
    for action in actions:
        if action in MOVES:
            assert MOVES[action] in TRANSITIONS[status], f"{status}: {action}"
    assert ("save" in actions) == is_editable(status) == (status in EDITABLE)


def test_posts_being_delivered_or_done_offer_nothing_and_an_unknown_status_nothing():
    assert actions_for("publishing") == actions_for(PUBLISHED) == actions_for(CANCELLED) == ()
    assert actions_for("archived") == ()
    assert not is_editable("publishing") and not is_editable(PUBLISHED)


def test_sources_of_is_the_machine_read_backwards():
    for target in STATUSES:
        assert sources_of(target) == {source for source in STATUSES if target in TRANSITIONS[source]}


def test_the_machine_keeps_a_post_from_going_out_twice():
    """What the table itself must keep, whatever else changes in it (mutation testing leaves tables
    alone, and the edge-by-edge tests read this one)."""
    assert sources_of("publishing") == {"queued"}, "only a claim starts a delivery"
    assert sources_of(PUBLISHED) == {
        "publishing",
        "unconfirmed",
        "draft",
        "in_review",
        "scheduled",
        "queued",
        "failed",
    }, "out by a delivery, confirmed by a person, or recorded by hand as published elsewhere"
    assert TRANSITIONS[PUBLISHED] == frozenset(), "a published post never moves again"
    assert TRANSITIONS["unconfirmed"] == {PUBLISHED, SCHEDULED, CANCELLED}, "never sent again by itself"
    assert not EDITABLE & {"publishing", PUBLISHED, CANCELLED}, "nobody edits a post in hand, out, or cancelled"


def test_a_post_in_review_can_be_approved_sent_back_withdrawn_or_cancelled_and_is_never_delivered():
    assert TRANSITIONS["in_review"] == {SCHEDULED, DRAFT, CANCELLED, PUBLISHED}, "or recorded as published elsewhere"
    assert "in_review" in TRANSITIONS[DRAFT] and "in_review" not in sources_of("publishing")
    assert {"approve", "request_changes"} <= set(actions_for("in_review"))


def test_a_cancel_undone_comes_back_through_scheduled_never_straight_to_the_queue_or_out():
    assert TRANSITIONS[CANCELLED] == {DRAFT, "in_review", SCHEDULED, "failed", "unconfirmed"}
    assert not TRANSITIONS[CANCELLED] & {"queued", "publishing", PUBLISHED}
