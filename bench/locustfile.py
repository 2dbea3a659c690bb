"""Locust users for ``python -m bench web`` (run by it as a subprocess; settings come from the environment).

BENCH_PHASE picks what the users read: ``trivial`` (a static file, the baseline) or ``pages`` (the
calendar's week and month views, the compliance report and the posts list, or those BENCH_PAGES names;
the posts list's addresses, deep pages among them, are BENCH_POSTS_QUERIES's). Every
request's own time, and the error's text for a failed one, is written to BENCH_SAMPLES as JSON when
Locust quits, so the bench computes exact percentiles instead of Locust's rounded ones.
"""

import json
import os
import random
from datetime import date, timedelta

from locust import HttpUser, between, constant, events, task

PLAN_ID = os.environ.get("BENCH_PLAN_ID", "1")
FIRST_DAY = date.fromisoformat(os.environ.get("BENCH_FIRST_DAY", "2031-01-01"))
DAYS = int(os.environ.get("BENCH_DAYS", "90"))
THINK = float(os.environ.get("BENCH_THINK", "0"))
PHASE = os.environ.get("BENCH_PHASE", "pages")
PAGES = os.environ.get("BENCH_PAGES", "week,month,report,posts").split(",")
SAMPLES = []
QUERIES_FILE = os.environ.get("BENCH_POSTS_QUERIES", "")
POSTS_QUERIES = json.load(open(QUERIES_FILE)) if QUERIES_FILE else [""]


@events.request.add_listener
def _keep(request_type, name, response_time, response_length, exception, **_):
    SAMPLES.append((name, response_time, str(exception)[:160] if exception else ""))


@events.quitting.add_listener
def _save(**_):
    with open(os.environ["BENCH_SAMPLES"], "w") as handle:
        json.dump(SAMPLES, handle)


def some_day() -> str:
    return (FIRST_DAY + timedelta(days=random.randrange(DAYS))).isoformat()


class Reader(HttpUser):
    """A planner reading: a page, a pause to look at it (BENCH_THINK seconds at most), the next."""

    wait_time = between(THINK / 3, THINK) if THINK else constant(0)

    def on_start(self):
        """Signed in, as a planner is (the bench made the session)."""
        self.client.cookies.set("session", os.environ.get("BENCH_COOKIE", ""))

    @task
    def look(self):
        if PHASE == "trivial":
            self.client.get("/static/refrain.css", name="trivial: static file")
            return
        page = random.choice(PAGES)
        if page == "report":
            path, name = f"/plans/{PLAN_ID}/report", "report"
        elif page == "posts":
            path, name = f"/plans/{PLAN_ID}/posts?{random.choice(POSTS_QUERIES)}", "posts list"
        else:
            path, name = f"/plans/{PLAN_ID}/calendar?view={page}&date={some_day()}", f"calendar ({page})"
        # a redirect (to the sign-in page) is an error here, not a fast page
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"answered {answer.status_code}")
