"""The API fuzzed through its own description (Schemathesis): no input gives a 500, and every answer
has a described status and the described shape.

Each operation is tried with data its schema accepts (positive) and with data it refuses (negative),
each both with its path naming things that exist (a seeded plan, post, feed, item, entry, account) and
with any ids; a handful of examples each keeps the run well under a minute on two cores. Cases, not
one test per operation: the app fixture gives each test a fresh database, and one database for all
the operations is both faster and nearer to how the API is used.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from scheduler.services.unit_of_work import unit_of_work
from tests.library.builders import add_items

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
EXAMPLES = 10  # per operation, mode and set of path parameters
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@pytest.fixture
def api_headers(owner):
    """What every API call carries: an owner's token, so every operation is open to the fuzzer."""
    from scheduler.services import tokens

    return {"Authorization": f"Bearer {tokens.create(owner, 'fuzz')[1]}"}


@pytest.fixture
def existing(client, api_headers):
    """One of each thing a path can name, so fuzzed bodies reach the services, not only a 404."""

    def made(path, data, method="post"):
        answer = getattr(client, method)(f"/api/v1{path}", json=data, headers=api_headers)
        assert answer.status_code in (200, 201), answer.get_json()
        return answer.get_json()

    plan = made(
        "/plans",
        {
            "name": "Fuzz",
            "theme": "Rentrée",
            "keywords": ["rentrée"],
            "starts_on": "2031-09-01",
            "ends_on": "2031-12-31",
            "timezone": "Europe/Paris",
        },
    )
    made(f"/plans/{plan['id']}/commitments/twitter", {"posts": 2, "per": "day"}, method="put")
    post = made(
        "/posts",
        {"plan_id": plan["id"], "channel": "twitter", "body": "Rentrée", "scheduled_at": "2031-09-02T10:00:00Z"},
    )
    feed = made("/library/feeds", {"url": "https://example.com/feed.xml", "channel": "blog"})
    entry = made("/style/entries", {"kind": "guideline", "title": "Plain words", "body": "Say it plainly."})
    account = made(
        "/accounts", {"channel": "mastodon", "name": "Fuzz", "instance": "https://example.social", "access_token": "t"}
    )
    # an indicator named as the `name` parameter is pinned, and a contest: their routes reach the services
    made(f"/plans/{plan['id']}/kpis/twitter", {"unit": "posts", "targets": {"2031-09": 60}}, method="put")
    contest = made(
        "/contests",
        {
            "name": "Fuzz",
            "metric": "likes",
            "channels": ["twitter"],
            "starts_on": "2031-09-01",
            "ends_on": "2031-09-30",
        },
    )
    post_set = made(
        "/post-sets", {"plan_id": plan["id"], "idea": {"body": "Rentrée"}, "channels": ["twitter", "mastodon"]}
    )
    with unit_of_work():
        item_id = add_items("blog", [{"remote_id": "fuzz-1", "title": "An item", "metrics": {"clicks": 3}}])["fuzz-1"]
    return {
        "plan_id": plan["id"],
        "post_id": post["id"],
        "feed_id": feed["id"],
        "item_id": item_id,
        "entry_id": entry["id"],
        "account_id": account["id"],
        "contest_id": contest["id"],
        "set_id": post_set["id"],
        "channel": "twitter",
        "name": "twitter",
    }


def test_fuzzing_every_operation_finds_no_server_error_and_no_answer_off_its_description(app, existing, api_headers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=api_headers)
    ran, failures = [0], []
    for result in schema.get_all_operations():
        operation = result.ok()
        pinned = {name: value for name, value in existing.items() if "{" + name + "}" in operation.path}
        for mode in MODES:
            for path_parameters in [pinned, None] if pinned else [None]:
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

                @given(case=strategy)
                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    # the suite's run is the same sample every time (CI must not turn red by luck);
                    # REFRAIN_FUZZ_EXPLORE=1 draws new cases, as the runs that found the NUL and id bugs did
                    derandomize=not os.environ.get("REFRAIN_FUZZ_EXPLORE"),
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                def run(case):
                    ran[0] += 1
                    case.call_and_validate(headers=api_headers, checks=CHECKS)

                try:
                    run()
                except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - every operation is tried; all failures told at once
                    failures.append(f"{operation.label} ({mode.value}): {failure}")
    print(f"schemathesis: {ran[0]} cases, {len(failures)} failures")
    assert ran[0] > 200
    assert not failures, "\n\n".join(failures)
