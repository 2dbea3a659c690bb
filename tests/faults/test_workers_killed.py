"""Workers SIGKILLed at random moments while 1,000 posts go out: none is lost silently (each ends
published, or unconfirmed for a person to check), none is sent twice.

Four real `refrain worker` processes share one queue: two deliver to the outbox, two live to a
stand-in webhook receiver. Mixing the modes in one run is deliberate: whichever worker wins a
post's claim delivers it, so the sum over both destinations is what must be exactly one, and a
post claimed by an outbox worker, killed, and then sent live by another would show up as two.
Outbox deliveries are counted as the kernel reports each rename into the outbox (a repeat would
replace the file, so the files alone could hide it); live ones as the receiver's requests, by the
idempotency key every attempt carries.

Random moments may all fall between deliveries, which would prove nothing about a claim cut short.
So the first kill is aimed: at the worker delivering a slow post (tests/support/slow_channel.py),
which it has claimed and cannot have recorded; that post must end unconfirmed and never be sent.
"""

import time

from scheduler import reconfigure
from scheduler.services import posts
from scheduler.services.lifecycle import PUBLISHED, PUBLISHING, UNCONFIRMED
from scheduler.services.sweeper import GAVE_UP
from tests.factories import due_posts, make_plan
from tests.faults import (
    claims_per_post,
    due_webhook_posts,
    jobs_of_unsettled,
    received_per_post,
    status_counts,
    statuses,
    sweep_once,
    wait_until_settled,
    webhook_receiver,
)
from tests.support.workers import LongRunningWorker, WorkerFleet

POSTS = 1000
KILLS = 8
WARM_UP = 1.5  # seconds a restarted worker needs before it delivers
PUBLISH_TIMEOUT = 1  # seconds before a claim nobody confirmed counts as stuck


def test_workers_killed_at_random_deliver_every_post_at_most_once(app, tmp_path, chaos, outbox_writes, slow_channel):
    receiver = webhook_receiver(app)
    # queued before all the others: a worker takes it first, and the random kills that follow find work
    slow = posts.schedule_post(due_posts(make_plan(name="Slow deliveries"), 1, channel="slowtest")[0]).id
    ids = due_webhook_posts(POSTS, chaos)
    writes, slow_writes = outbox_writes(app, "webhook"), outbox_writes(app, "slowtest")
    fleet = WorkerFleet(
        [worker(app, tmp_path, number, mode) for number, mode in enumerate(("outbox", "outbox", "live", "live"))]
    ).start()
    try:
        wait_for_first_deliveries(ids)
        struck = kill_the_slow_delivery(app, fleet, slow, slow_channel)
        kills = 1 + kill_at_random(fleet, ids, chaos)
        counts = recover_with_two_sweeps(app, ids + [slow], fleet)
        unsettled = jobs_of_unsettled(ids)
    finally:
        fleet.stop()
        receiver.close()
    outbox, live = writes.per_post(), received_per_post(receiver)
    found = statuses(ids)
    diagnostics = (
        f"seed {chaos.seed_value}, {kills} kills, statuses {dict(counts)}, "
        f"outbox {sum(outbox.values())}, live {sum(live.values())}, unsettled {unsettled}"
    )
    print(diagnostics)
    diagnostics += "\n" + fleet.report()

    assert struck == PUBLISHING, f"the aimed kill must strike a claimed post not yet recorded; {diagnostics}"
    after = posts.get_post(slow)
    assert (after.status, after.failure_reason) == (UNCONFIRMED, GAVE_UP), f"told nobody; {diagnostics}"
    assert slow_writes.per_post() == {}, f"the post whose worker died was sent again; {diagnostics}"
    assert claims_per_post([slow]) == {slow: 1}, diagnostics
    assert kills == KILLS, diagnostics
    assert not (counts["queued"] or counts["publishing"] or counts["scheduled"]), (
        f"left after two sweeps; {diagnostics}"
    )
    assert not [i for i in ids if found[i] not in (PUBLISHED, UNCONFIRMED)], f"lost or stuck posts; {diagnostics}"
    delivered = {i: outbox[i] + live[i] for i in ids}
    assert max(delivered.values()) <= 1, f"delivered twice: {[i for i in ids if delivered[i] > 1]}; {diagnostics}"
    assert all(delivered[i] == 1 for i in ids if found[i] == PUBLISHED), f"published, not delivered; {diagnostics}"
    claims = claims_per_post(ids)
    assert all(claims[i] == 1 for i in ids), f"a post claimed twice or never; {diagnostics}"
    assert sum(outbox.values()) and sum(live.values()), f"both destinations must take a share; {diagnostics}"
    assert counts[PUBLISHED] >= POSTS - KILLS, f"a kill can catch one delivery at most; {diagnostics}"


def worker(app, tmp_path, number: int, mode: str) -> LongRunningWorker:
    return LongRunningWorker(
        app,
        tmp_path / f"worker-{number}-{mode}.log",
        REFRAIN_DELIVERY=mode,
        REFRAIN_PUBLISH_TIMEOUT=str(PUBLISH_TIMEOUT),
        REFRAIN_FETCH_ALLOW="127.0.0.1",  # the receiver of live deliveries, as an admin would allow it
    )


def kill_the_slow_delivery(app, fleet: WorkerFleet, post_id: int, slow_channel) -> str:
    """SIGKILLs the worker delivering the slow post (claimed and committed, its channel still
    waiting), starts it again, and lets any later delivery of that post through, so that one would
    show in the outbox. Gives the post's status just after the kill."""
    pid = slow_channel.wait_until_started(app)
    [victim] = [w for w in fleet.workers if w.running and w.process.pid == pid]
    victim.kill()
    status = statuses([post_id])[post_id]
    victim.start()
    slow_channel.release(app)
    return status


def kill_at_random(fleet: WorkerFleet, ids, chaos) -> int:
    """Up to KILLS - 1 SIGKILLs of a random worker at random moments once deliveries are under way,
    each started again at once; stops early only if the posts run out first (the run then proves
    less). The victim is one up for a while when there is one: a worker still importing Python at
    its death proves nothing about deliveries."""
    kills = 0
    while kills < KILLS - 1 and status_counts(ids)["queued"]:
        time.sleep(chaos.uniform(0.1, 0.6))
        working = [w for w in fleet.workers if w.uptime > WARM_UP] or fleet.workers
        victim = chaos.choice(working)
        victim.kill()
        victim.start()
        kills += 1
    return kills


def wait_for_first_deliveries(ids, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not status_counts(ids)[PUBLISHED] and time.monotonic() < deadline:
        time.sleep(0.1)


def recover_with_two_sweeps(app, ids, fleet):
    """What an operator's sweeper does after the crashes: at most two sweeps, with the workers
    running, must leave no post queued or publishing (the caller asserts it, with diagnostics)."""
    reconfigure(app, publish_timeout=PUBLISH_TIMEOUT)
    counts = wait_until_settled(ids, timeout=60, fleet=fleet)
    for _ in range(2):
        time.sleep(PUBLISH_TIMEOUT)  # a claim made just now is not stuck yet
        sweep_once()
        counts = wait_until_settled(ids, timeout=30, fleet=fleet)
    return counts
