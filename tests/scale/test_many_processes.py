"""Issue 17, proven at scale: two web processes and three workers, each a process of its own as on
hosts of their own (tests/support/hosts.py), on one PostgreSQL and one Debian redis-server.

Two scripts drive the API at once, each creating posts on one web process and scheduling them on the
other, due now by the real clock (the workers keep it). Once deliveries are under way, one post goes
to the slow test channel (tests/support/slow_channel.py); the worker that claims it is SIGKILLed in
the middle of that delivery, and the others carry on. The survivors' own sweeper (no sweep from the
test) gives the post whose worker died up as unconfirmed, never sending it by itself; a person then
sends it again over the API, as the post's page offers. In the end every post was written to an
outbox exactly once (counted by the kernel, from every worker's own outbox: tests/support/
outbox_writes.py), the killed one included, and both web processes give the same compliance report
and the same list of posts. A session signed in on one web process is good on the other: the load
balancer in front needs no sticky sessions.

SQLite is one host's file: on the embedded defaults the test brings a PostgreSQL of its own (conftest).
"""

import random
import re
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from scheduler.services import tokens
from scheduler.services.lifecycle import PUBLISHED, PUBLISHING, UNCONFIRMED
from scheduler.services.sweeper import GAVE_UP
from tests.factories import PASSWORD, make_person
from tests.faults import claims_per_post, status_counts, statuses
from tests.support.hosts import Api, Site
from tests.support.outbox_writes import OutboxWrites

POSTS = 400  # created and scheduled over the API, half by each script
CHANNELS = ("twitter", "mastodon")
WEB_PROCESSES, WORKERS = 2, 3
SWEEP_INTERVAL = 2  # seconds: the survivors' own sweeper finds the dead worker's claim soon
PUBLISH_TIMEOUT = 5  # seconds before a claim nobody recorded counts as stuck (a delivery here takes ms)
SETTLE_TIMEOUT = 120
WORDS = (
    "spring launch guide notes team update offer river paper light north garden window story music craft "
    "harbour market morning evening bridge lantern orchard meadow summit canyon valley island forest"
).split()


def test_two_web_processes_and_three_workers_deliver_every_post_once_and_agree_on_every_report(
    shared_app, tmp_path, slow_channel
):
    app = shared_app
    owner = make_person("owner@example.com", "owner", "Olive Owner")
    token = tokens.create(owner, "scale test")[1]
    site = Site(
        app,
        tmp_path,
        WEB_PROCESSES,
        WORKERS,
        REFRAIN_DELIVERY="outbox",
        REFRAIN_SWEEP_INTERVAL=str(SWEEP_INTERVAL),
        REFRAIN_PUBLISH_TIMEOUT=str(PUBLISH_TIMEOUT),
    )
    writes = {
        (number, channel): OutboxWrites(site.outbox(worker) / channel)
        for number, worker in enumerate(site.workers)
        for channel in (*CHANNELS, "slowtest")
    }
    started = time.monotonic()
    try:
        site.start()
        one, two = (Api(web.url, token) for web in site.web)
        plan_id = set_up_plan(one)
        assert two.call("GET", f"/api/v1/plans/{plan_id}")[1]["name"] == "At scale", "the other web process agrees"
        drivers = [Driver(site, token, plan_id, own=n, count=POSTS // 2) for n in range(WEB_PROCESSES)]
        driving = time.monotonic()
        for driver in drivers:
            driver.start()
        wait_for(lambda: sum(d.done for d in drivers) >= POSTS // 4 or not any(d.is_alive() for d in drivers), 120)
        slow = schedule_now(two, one, plan_id, "slowtest", "The delivery a worker dies in")
        victim = worker_delivering_slowly(site, slow_channel)
        struck = statuses([slow])[slow]
        published_before = status_counts(ids_of(drivers))[PUBLISHED]
        victim.kill()  # SIGKILL: no handler runs, as when its host loses power
        release_slow_deliveries(site, slow_channel)  # a delivery of that post from now on would be written, and counted
        for driver in drivers:
            driver.join(timeout=180)
        driven = time.monotonic() - driving
        assert not [d.failure for d in drivers if d.failure], f"{[d.failure for d in drivers]}\n{site.report()}"
        ids = ids_of(drivers)
        assert len(ids) == POSTS
        counts = wait_until(lambda: all_published(ids), SETTLE_TIMEOUT) or status_counts(ids)
        delivered_at = time.monotonic() - driving
        wait_for(lambda: statuses([slow])[slow] != PUBLISHING, SETTLE_TIMEOUT)
        after_sweep = two.call("GET", f"/api/v1/posts/{slow}")[1]
        sent_again = one.call("POST", f"/api/v1/posts/{slow}/schedule")  # "send again", as the post's page offers
        wait_until(lambda: statuses([slow])[slow] == PUBLISHED, 60)
        reports = [api.call("GET", f"/api/v1/plans/{plan_id}/compliance") for api in (one, two)]
        query = urlencode({"plan_id": plan_id, "limit": 5000})
        lists = [api.call("GET", f"/api/v1/posts?{query}") for api in (one, two)]
        signed_in_on_the_other = sign_in_on_one_use_on_other(site, owner.email)
    finally:
        site.stop()
        for watch in writes.values():
            watch.close()  # every write made is counted; a failure above keeps no watch open
    per_worker = {key: watch.per_post() for key, watch in writes.items()}
    outbox = sum(per_worker.values(), Counter())
    victim_number = site.workers.index(victim)
    by_worker = [sum(sum(per_worker[(n, c)].values()) for c in CHANNELS) for n in range(WORKERS)]
    diagnostics = (
        f"{POSTS} posts over the API in {driven:.1f} s, delivered {delivered_at:.1f} s after the first "
        f"({POSTS / delivered_at:.0f} posts/s end to end); deliveries per worker {by_worker} (worker "
        f"{victim_number + 1} killed, {published_before} published then); statuses {dict(counts)}; "
        f"whole test {time.monotonic() - started:.0f} s"
    )
    print(diagnostics)
    diagnostics += "\n" + site.report()

    assert struck == PUBLISHING, f"the kill must strike a delivery in hand (claimed, not recorded); {diagnostics}"
    assert published_before < POSTS, f"the kill must come while posts are still to deliver; {diagnostics}"
    assert counts[PUBLISHED] == POSTS, f"every post published, none stuck or unconfirmed; {diagnostics}"
    assert (after_sweep["status"], after_sweep["failure_reason"]) == (UNCONFIRMED, GAVE_UP), (
        f"the survivors' sweeper must give the dead claim up, for a person to decide; {diagnostics}"
    )
    assert sent_again[0] == 200, sent_again
    assert {i: outbox[i] for i in ids if outbox[i] != 1} == {}, f"delivered twice or never; {diagnostics}"
    assert claims_per_post(ids) == Counter(dict.fromkeys(ids, 1)), f"a post claimed twice; {diagnostics}"
    assert outbox[slow] == 1, f"the post whose worker died, sent again by hand: once; {diagnostics}"
    assert sum(per_worker[(victim_number, "slowtest")].values()) == 0, "the killed worker wrote nothing of it"
    assert claims_per_post([slow])[slow] == 2, "claimed by the killed worker, then after 'send again'"
    assert sum(1 for n in by_worker if n) >= 2, f"the deliveries must be shared by the workers; {diagnostics}"

    assert [status for status, _ in reports] == [200, 200], reports
    assert reports[0][1] == reports[1][1], "the two web processes give different reports"
    report = {row["channel"]: row for row in reports[0][1]["channels"]}
    assert sum(report[channel]["published"] for channel in CHANNELS) == POSTS, reports[0][1]
    assert [status for status, _ in lists] == [200, 200], lists
    assert lists[0][1] == lists[1][1], "the two web processes list the posts differently"
    assert sorted(post["id"] for post in lists[0][1]) == sorted([*ids, slow])
    assert signed_in_on_the_other, "a session from one web process must be good on the other"


def set_up_plan(api: Api) -> int:
    """A plan around today (UTC, by the real clock) with a commitment on each channel, over the API."""
    today = datetime.now(timezone.utc).date()
    status, plan = api.call(
        "POST",
        "/api/v1/plans",
        {
            "name": "At scale",
            "theme": "Atlas",
            "key_message": "One map for the whole team",
            "keywords": ["atlas"],
            "starts_on": (today - timedelta(days=1)).isoformat(),
            "ends_on": (today + timedelta(days=9)).isoformat(),
            "timezone": "UTC",
        },
    )
    assert status == 201, plan
    for channel in CHANNELS:
        status, said = api.call(
            "PUT",
            f"/api/v1/plans/{plan['id']}/commitments/{channel}",
            {"posts": 40, "per": "day", "on_theme_min": 10, "one_note_max_share": 0.8},
        )
        assert status == 201, said
    return plan["id"]


def schedule_now(creator: Api, scheduler: Api, plan_id: int, channel: str, body: str) -> int:
    """A post due now, created on one web process and scheduled on the other; its id."""
    when = datetime.now(timezone.utc).isoformat()
    status, post = creator.call(
        "POST", "/api/v1/posts", {"plan_id": plan_id, "channel": channel, "body": body, "scheduled_at": when}
    )
    assert status == 201, post
    status, scheduled = scheduler.call("POST", f"/api/v1/posts/{post['id']}/schedule")
    assert status == 200, scheduled
    return post["id"]


class Driver(threading.Thread):
    """A script on its own web process: creates ``count`` posts there, due now, and schedules each on
    the other web process. Records the first failure instead of raising it in its thread."""

    def __init__(self, site: Site, token: str, plan_id: int, own: int, count: int):
        super().__init__(name=f"driver-{own}", daemon=True)
        self.apis = [Api(site.web[own].url, token), Api(site.web[1 - own].url, token)]
        self.plan_id, self.own, self.count = plan_id, own, count
        self.ids: list[int] = []
        self.failure = ""

    @property
    def done(self) -> int:
        return len(self.ids)

    def run(self):
        rng = random.Random(self.own)
        try:
            for number in range(self.count):
                words = rng.sample(WORDS, 6) + (["atlas"] if number % 3 == 0 else [])
                body = f"{' '.join(words).capitalize()}: note {self.own}-{number}."
                self.ids.append(schedule_now(*self.apis, self.plan_id, CHANNELS[number % len(CHANNELS)], body))
        except Exception as error:  # noqa: BLE001 - said by the test, in its own thread
            self.failure = f"{self.name} after {self.done} posts: {type(error).__name__}: {error}"
        finally:
            for api in self.apis:
                api.close()


def ids_of(drivers) -> list[int]:
    return [post_id for driver in drivers for post_id in driver.ids]


def worker_delivering_slowly(site: Site, slow_channel, timeout: float = 60):
    """The worker whose slow delivery has begun (it has claimed the post and committed the claim)."""
    started = {worker: site.outbox(worker) / slow_channel.STARTED for worker in site.workers}
    wait_for(lambda: any(path.exists() for path in started.values()), timeout)
    [victim] = [worker for worker, path in started.items() if path.exists()]
    wait_for(lambda: started[victim].read_text() != "", 5)
    assert int(started[victim].read_text()) == victim.process.pid
    return victim


def release_slow_deliveries(site: Site, slow_channel) -> None:
    """Lets every slow delivery go on, in every worker (each reads its own outbox folder)."""
    for worker in site.workers:
        (site.outbox(worker) / slow_channel.RELEASE).touch()


def all_published(ids) -> Counter | None:
    """The posts' statuses once every one is published; else None."""
    counts = status_counts(ids)
    return counts if counts[PUBLISHED] == len(ids) else None


def wait_for(condition, timeout: float) -> None:
    wait_until(lambda: condition() or None, timeout)


def wait_until(probe, timeout: float):
    """``probe()``'s first answer other than None, polled until the deadline (then its last answer)."""
    deadline = time.monotonic() + timeout
    while (answer := probe()) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    return answer


def sign_in_on_one_use_on_other(site: Site, email: str) -> bool:
    """The sign-in page from one web process, the password posted to the other (its CSRF token checked
    there), and the signed-in session used on the first again: nothing of a session is kept in a process."""
    first, second = (Api(web.url, "") for web in site.web)
    try:
        first.connection.request("GET", "/login")
        answer = first.connection.getresponse()
        page = answer.read().decode()
        cookie = session_cookie(answer)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urlencode({"csrf_token": csrf, "email": email, "password": PASSWORD})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        second.connection.request("POST", "/login", body=form, headers=headers)
        answer = second.connection.getresponse()
        answer.read()
        if answer.status != 302:
            return False
        first.connection.request("GET", "/me", headers={"Cookie": session_cookie(answer)})
        answer = first.connection.getresponse()
        answer.read()
        return answer.status == 200
    finally:
        first.close()
        second.close()


def session_cookie(answer) -> str:
    cookie = SimpleCookie()
    for header in answer.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
