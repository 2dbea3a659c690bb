"""Redis lost under running workers: killed and restarted empty, or flushed. Redis only holds
reminders; the database holds the truth, so at most two sweeps bring every due post back and each
is delivered exactly once, by the same `refrain worker` processes, which must outlive the outage.

Each fault strikes work in progress: posts still queued (their reminders in Redis) when Redis goes.
Deliveries are counted as the outbox is written, where a double would show.
"""

import time

from scheduler import reconfigure
from scheduler.services import runtime
from scheduler.services.lifecycle import PUBLISHED, QUEUED
from tests.faults import (
    claims_per_post,
    due_webhook_posts,
    jobs_of_unsettled,
    status_counts,
    statuses,
    sweep_once,
    wait_until_settled,
)
from tests.support.workers import LongRunningWorker, WorkerFleet

POSTS = 200
PUBLISH_TIMEOUT = 1


def test_redis_killed_and_restarted_empty_loses_no_post(app, tmp_path, chaos, outbox_writes, redis_server):
    def kill_and_restart():
        redis_server.kill()
        time.sleep(chaos.uniform(0.2, 1.0))  # workers and the app meet a refused connection meanwhile
        redis_server.start()

    check_every_post_delivered_once_despite(kill_and_restart, app, tmp_path, chaos, outbox_writes, redis_server)


def test_redis_flushed_loses_no_post(app, tmp_path, chaos, outbox_writes, redis_server):
    def flush():
        runtime.queues().connection.flushall()

    check_every_post_delivered_once_despite(flush, app, tmp_path, chaos, outbox_writes, redis_server)


def check_every_post_delivered_once_despite(fault, app, tmp_path, chaos, outbox_writes, redis_server):
    ids = due_webhook_posts(POSTS, chaos)
    writes = outbox_writes(app, "webhook")
    fleet = WorkerFleet(
        [
            LongRunningWorker(
                app,
                tmp_path / f"worker-{n}.log",
                REFRAIN_DELIVERY="outbox",
                REFRAIN_PUBLISH_TIMEOUT=str(PUBLISH_TIMEOUT),
            )
            for n in range(2)
        ]
    ).start()
    try:
        before, at_fault = strike_mid_delivery(fault, ids, chaos)
        counts = recover_with_two_sweeps(app, ids, fleet)
        unsettled = jobs_of_unsettled(ids)
        survivors = [worker.running for worker in fleet.workers]
    finally:
        fleet.stop()
    outbox = writes.per_post()
    found = statuses(ids)
    diagnostics = (
        f"seed {chaos.seed_value}, before the fault {dict(before)}, just after it {dict(at_fault)}, "
        f"after two sweeps {dict(counts)}, "
        f"outbox {sum(outbox.values())}, workers alive {survivors}, unsettled {unsettled}"
    )
    print(diagnostics)
    diagnostics += f"\n{fleet.report()}\n=== redis ===\n{redis_server.log_tail()}"

    assert at_fault[QUEUED], f"the fault must strike while posts wait in the queue; {diagnostics}"
    assert all(found[i] == PUBLISHED for i in ids), f"not every post was published; {diagnostics}"
    assert all(outbox[i] == 1 for i in ids), f"a post delivered {max(outbox.values())} times; {diagnostics}"
    claims = claims_per_post(ids)
    assert all(claims[i] == 1 for i in ids), f"a post claimed twice; {diagnostics}"
    assert all(survivors), f"a worker died with Redis; {diagnostics}"


def strike_mid_delivery(fault, ids, chaos, timeout: float = 60):
    """The fault strikes once deliveries are under way and a random share of them is done. Gives the
    statuses just before it, and just after it: a post queued then was queued when Redis went (nothing
    but a claim takes a post out of the queue, and nothing put it back in meanwhile)."""
    target = chaos.randint(POSTS // 10, POSTS // 2)
    deadline = time.monotonic() + timeout
    while (counts := status_counts(ids))["published"] < target and time.monotonic() < deadline:
        time.sleep(0.05)
    fault()
    return counts, status_counts(ids)


def recover_with_two_sweeps(app, ids, fleet):
    reconfigure(app, publish_timeout=PUBLISH_TIMEOUT)
    counts = wait_until_settled(ids, timeout=30, quiet_for=2, fleet=fleet)
    for _ in range(2):
        time.sleep(PUBLISH_TIMEOUT)
        print("sweep:", sweep_once())
        counts = wait_until_settled(ids, timeout=30, quiet_for=2, fleet=fleet)
    return counts
