"""Every route of the app, asked by everyone: nobody signed in, and each role in turn.

The matrix is built from the app's own URL map, so a new route is in it the day it is added, and a
route nobody decided about (missing from ``web.access.ROUTES``) fails here before it ships."""

import re

import pytest

from scheduler.domain.access import PUBLIC, ROLES, may
from scheduler.services import tokens
from scheduler.web import access
from tests.factories import make_person, signed_in

PLACEHOLDERS = {"int": "999999", "default": "nothing-here", "path": "refrain.css"}


def every_route(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def url_of(rule) -> str:
    def fill(match):
        converter = match.group(1) or "default"
        return PLACEHOLDERS.get(converter, PLACEHOLDERS["default"])

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", fill, rule.rule)


def test_every_route_has_a_decision(app):
    undecided = sorted({rule.endpoint for rule, _method in every_route(app)} - set(access.ROUTES))
    assert undecided == [], f"add these endpoints to scheduler/web/access.py ROUTES: {undecided}"
    unknown = sorted(set(access.ROUTES) - {rule.endpoint for rule, _method in every_route(app)})
    assert unknown == [], f"ROUTES names endpoints that do not exist: {unknown}"


@pytest.fixture
def team(app):
    """A client per role (pages, by session) and a token per role (the API)."""
    members = {}
    for role in ROLES:
        person = make_person(f"{role}@example.com", role, role.title())
        members[role] = (signed_in(app, person), tokens.create(person, "matrix")[1])
    return members


def ask(client, method, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    json = {} if method in ("POST", "PUT", "PATCH") and url.startswith("/api/") else None
    return client.open(url, method=method, headers=headers, json=json)


def test_each_role_reaches_what_it_may_and_is_refused_the_rest(app, team, anonymous):
    checked = public = 0
    for rule, method in every_route(app):
        needed = access.needed(rule.endpoint, method)
        url, api = url_of(rule), rule.rule.startswith(("/api/", "/mcp"))  # the MCP server takes tokens only
        checked += 1
        nobody = ask(anonymous, method, url)
        if needed == PUBLIC:
            public += 1
            assert nobody.status_code not in (401, 403), (method, url)
            continue
        if api:
            assert nobody.status_code == 401, (method, url, nobody.status_code)
            assert nobody.get_json()["error"]["message"] and nobody.headers["WWW-Authenticate"].startswith("Bearer")
        else:
            assert nobody.status_code == 302 and nobody.headers["Location"].startswith("/login"), (method, url)
        for role, (client, token) in team.items():
            answer = ask(client, method, url, token if api else None)
            if may(role, needed):
                assert answer.status_code not in (401, 403), (role, method, url, answer.status_code)
            else:
                assert answer.status_code == 403, (role, method, url, answer.status_code)
                if api:
                    assert "role" in answer.get_json()["error"]["message"]
    assert checked > 100 and public >= 8
    print(f"route matrix: {checked} routes × methods, {public} public, {len(ROLES) + 1} identities each")


def test_a_read_only_token_reads_and_may_not_write(app, client):
    manager = make_person("manager@example.com", "manager", "Mina")
    _row, token = tokens.create(manager, "dashboard", read_only=True)
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/plans", headers=headers).status_code == 200
    refused = app.test_client().post("/api/v1/plans", headers=headers, json={"name": "x"})
    assert refused.status_code == 403 and "viewer" in refused.get_json()["error"]["message"]


def test_a_bad_or_revoked_token_is_a_401_even_beside_a_good_session(app, client, owner):
    row, token = tokens.create(owner, "script")
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/plans", headers=headers).status_code == 200
    tokens.revoke(owner, row.id)
    assert app.test_client().get("/api/v1/plans", headers=headers).status_code == 401
    assert client.get("/api/v1/plans", headers={"Authorization": "Bearer rfn_mistyped"}).status_code == 401
    assert client.get("/api/v1/plans", headers={"Authorization": "Basic b3duZXI6cGFzcw=="}).status_code == 401
    assert client.get("/api/v1/plans").status_code == 200, "the session alone still works"
