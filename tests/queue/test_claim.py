"""The claim and every status change, tested where they are enforced: the guarded ``UPDATE`` in the database.

The guard (``... WHERE status = :current``) is the one thing that stops a post going out twice when
two workers (or a worker and a manager) act on it at once. These tests fail when it is removed: a
second claim must get nothing, two deliveries racing for one post must write the outbox once, a
move from a status the post has left must change nothing, and the machine must allow exactly the
edges of ``domain.statuses.TRANSITIONS``.

Races are made certain, not hoped for: ``RaceGate`` holds each racing thread's status ``UPDATE`` until
all of them have reached it (an SQLAlchemy event on the real engine), so every racer has read the
post as it was before any of them writes.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, update

from scheduler.models import Post, PostEvent
from scheduler.models.database import db
from scheduler.services import clock, lifecycle, posts, publishing
from scheduler.services.errors import Conflict
from scheduler.services.lifecycle import (
    CANCELLED,
    DRAFT,
    PUBLISHED,
    PUBLISHING,
    QUEUED,
    SCHEDULED,
    STATUSES,
    TRANSITIONS,
)
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import BEFORE_THE_PLAN, due_posts, make_plan, make_post

CLAIMED_AT = datetime(2031, 6, 2, 8, 0, tzinfo=timezone.utc)


def history(post_id: int) -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(PostEvent.from_status, PostEvent.to_status).where(PostEvent.post_id == post_id).order_by(PostEvent.id)
    )
    return [tuple(row) for row in rows]


def stored(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


def put_in(post_id: int, status: str) -> None:
    """The post in ``status`` as a starting point, written straight to its row (no move, no history)."""
    with unit_of_work():
        db.session.execute(update(Post).where(Post.id == post_id).values(status=status))


def history_count(post_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(PostEvent).where(PostEvent.post_id == post_id))


def claim(post_id: int):
    with unit_of_work():
        return lifecycle.claim(post_id, note="claimed by the test", claimed_at=CLAIMED_AT)


def queued_post() -> int:
    with clock.pinned(datetime.fromisoformat(BEFORE_THE_PLAN)):  # scheduled while its time was ahead
        return posts.schedule_post(make_post(make_plan())).id


# --- the claim -------------------------------------------------------------------------------------


def test_a_second_claim_of_a_post_gets_nothing(app):
    post_id = queued_post()
    assert claim(post_id) == 1
    assert claim(post_id) is None
    post = stored(post_id)
    assert (post.status, post.attempts) == (PUBLISHING, 1)
    assert history(post_id)[-1] == (QUEUED, PUBLISHING) and history(post_id).count((QUEUED, PUBLISHING)) == 1


def test_a_claim_counts_each_attempt_and_takes_only_a_queued_post(app):
    post_id = queued_post()
    assert claim(post_id) == 1
    with unit_of_work():
        assert lifecycle.move(post_id, QUEUED, {PUBLISHING}, note="a retry")
    paris = CLAIMED_AT.astimezone(ZoneInfo("Europe/Paris"))
    with unit_of_work():
        assert lifecycle.claim(post_id, note="claimed again", claimed_at=paris) == 2
    assert stored(post_id).claimed_at == CLAIMED_AT, "the instant kept, whatever zone it came in"
    for status in set(STATUSES) - {QUEUED}:
        put_in(post_id, status)
        assert claim(post_id) is None, status
        assert stored(post_id).status == status


def test_a_claim_on_a_database_without_update_returning_reads_the_attempt_in_its_transaction(app, monkeypatch):
    """SQLite before 3.35 and some other engines cannot ``UPDATE ... RETURNING``: the claim reads the count."""
    monkeypatch.setattr(db.engine.dialect, "update_returning", False)
    post_id = queued_post()
    assert claim(post_id) == 1
    assert claim(post_id) is None
    with unit_of_work():
        assert lifecycle.move(post_id, QUEUED, {PUBLISHING}, note="a retry")
    assert claim(post_id) == 2
    assert history(post_id).count((QUEUED, PUBLISHING)) == 2


def test_a_post_loaded_in_the_unit_shows_the_change_and_its_new_history(app):
    post_id = queued_post()
    long_note = "why " * 600
    with unit_of_work():
        post = posts.get_post(post_id)
        seen = len(post.events)
        assert lifecycle.move(post_id, CANCELLED, note=long_note)
        assert post.status == CANCELLED
        assert [(e.from_status, e.to_status) for e in post.events[seen:]] == [(QUEUED, CANCELLED)]
        assert post.events[-1].note == long_note[:2000], "a history note keeps its first 2,000 characters"
        assert lifecycle.move(post_id, DRAFT)
        assert post.events[-1].note == "", "no note given, none written"


def test_a_status_change_outside_a_unit_of_work_is_refused(app):
    post_id = queued_post()
    with pytest.raises(RuntimeError, match="^a status change must run inside a unit of work$"):
        lifecycle.claim(post_id, note="no unit", claimed_at=CLAIMED_AT)
    with pytest.raises(RuntimeError, match="^a status change must run inside a unit of work$"):
        lifecycle.move(post_id, CANCELLED)
    assert stored(post_id).status == QUEUED


# --- races, against the real database ------------------------------------------------------------


class RaceGate:
    """Holds the first ``racers`` status UPDATEs on the engine until all of them have reached it, then
    lets them run together; later statements pass at once. A racer that never comes breaks the gate
    (after ``timeout`` seconds) and the test fails with it."""

    def __init__(self, engine, racers: int = 2, timeout: float = 20):
        self.engine, self.barrier, self.timeout = engine, threading.Barrier(racers, timeout=timeout), timeout
        self.lock, self.left = threading.Lock(), racers

    def hold(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("UPDATE POSTS SET STATUS"):
            return
        with self.lock:
            if self.left == 0:
                return
            self.left -= 1
        self.barrier.wait()

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.hold)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.hold)


def race(app, *actions):
    """Runs each action in its own thread, with its own app context and session, their status UPDATEs
    released together; gives each one's result or the exception it raised."""

    def run(action):
        with app.app_context():
            try:
                return action()
            except Exception as error:  # noqa: BLE001 - the caller judges what each racer met
                return error

    db.session.remove()  # the test's own session holds no transaction while the racers write
    with RaceGate(db.engine, racers=len(actions)), ThreadPoolExecutor(len(actions)) as pool:
        return [future.result(timeout=60) for future in [pool.submit(run, action) for action in actions]]


def due_post() -> int:
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=(today - timedelta(days=1)).isoformat(), ends_on=(today + timedelta(days=9)).isoformat())
    return posts.schedule_post(due_posts(plan, 1)[0]).id


def test_two_deliveries_of_one_due_post_write_it_to_the_outbox_once(app, outbox_writes):
    post_id = due_post()
    writes = outbox_writes(app, "twitter")
    results = race(app, lambda: publishing.deliver(post_id), lambda: publishing.deliver(post_id))
    assert sorted(results) == ["published", "skipped: claimed elsewhere"]
    assert writes.per_post() == {post_id: 1}
    assert stored(post_id).status == PUBLISHED and stored(post_id).attempts == 1


def test_a_cancel_racing_a_claim_either_stops_the_delivery_or_is_refused(app, outbox_writes):
    """The manager cancels while a worker claims: exactly one of them wins, and the manager is told
    the truth: a cancel that went through means nothing was sent."""
    post_id = due_post()
    writes = outbox_writes(app, "twitter")
    delivered, cancelled = race(
        app, lambda: publishing.deliver(post_id), lambda: posts.cancel_post(posts.get_post(post_id))
    )
    sent = writes.per_post()
    if isinstance(cancelled, Conflict):
        assert delivered == "published" and sent == {post_id: 1} and stored(post_id).status == PUBLISHED
        # the refusal names what the cancel met: the delivery under way, or already done by the time
        # the cancel looked again
        assert str(cancelled) in (
            "a publishing post cannot be cancelled (it is being delivered right now)",
            "a published post cannot be cancelled",
        )
    else:
        assert delivered == "skipped: claimed elsewhere", (delivered, cancelled)
        assert sent == {} and stored(post_id).status == CANCELLED


# --- a move that lost the race ---------------------------------------------------------------------


def test_a_move_from_a_stale_status_does_nothing_and_keeps_the_callers_other_changes(app):
    post_id = queued_post()
    events = history_count(post_id)
    with unit_of_work():
        post = posts.get_post(post_id)
        post.body = "Edited in the same unit of work"
        post.plan.name = "Renamed in the same unit of work"
        assert not lifecycle.move(post_id, PUBLISHED, {PUBLISHING})  # one source: the UPDATE's guard decides
        assert not lifecycle.move(post_id, DRAFT, {SCHEDULED, CANCELLED})  # several: read first, then guarded
        assert post.status == QUEUED
    post = stored(post_id)
    assert post.status == QUEUED
    assert (post.body, post.plan.name) == ("Edited in the same unit of work", "Renamed in the same unit of work")
    assert history_count(post_id) == events


# --- the machine, edge by edge ---------------------------------------------------------------------


@pytest.fixture
def draft_id(app) -> int:
    return make_post(make_plan()).id


def test_every_edge_of_the_machine_is_allowed_and_every_other_move_refused(draft_id):
    post_id = draft_id
    for source in STATUSES:
        for target in STATUSES:
            put_in(post_id, source)
            events = history_count(post_id)
            with unit_of_work():
                loaded = posts.get_post(post_id)
                moved = lifecycle.move(post_id, target, note=f"{source} to {target}")
                assert loaded.status == (target if moved else source), "the loaded post shows the change"
            edge = target in TRANSITIONS[source]
            assert moved == edge, f"{source} → {target} should be {'allowed' if edge else 'refused'}"
            assert stored(post_id).status == (target if edge else source)
            assert history_count(post_id) == events + edge
            if edge:
                assert history(post_id)[-1] == (source, target)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    source=st.sampled_from(STATUSES),
    target=st.sampled_from(STATUSES),
    allowed_from=st.none() | st.frozensets(st.sampled_from(STATUSES)),
)
def test_a_move_happens_only_along_an_edge_from_a_status_the_caller_allows(draft_id, source, target, allowed_from):
    post_id = draft_id  # one post for every example (each starts by setting its status)
    put_in(post_id, source)
    with unit_of_work():
        moved = lifecycle.move(post_id, target, allowed_from)
    expected = target in TRANSITIONS[source] and (allowed_from is None or source in allowed_from)
    assert moved == expected
    assert stored(post_id).status == (target if expected else source)
