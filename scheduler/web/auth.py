"""Who is asking, and whether they may: sessions (Flask-Login) for people, Bearer tokens for scripts.

Before every request the route's requirement comes from ``web.access``; the person from their API
token (``Authorization: Bearer …``, on the API only: a browser never sends one by itself, so a token
needs no CSRF check) or from their session cookie. The MCP server's address (``/mcp``) takes a token
and nothing else: no session cookie is read there. Nobody signed in: the API answers 401, a page sends
them to the sign-in page and back. Signed in without the role: 403. The person then becomes the
services' actor for the request (``services.actor``), so whatever they change is theirs in the trail.

A session stores the person's id with their session epoch: setting a new password (or being made
unable to sign in) bumps the epoch, which ends every session opened before.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, jsonify, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user

from scheduler.domain import access as roles
from scheduler.domain.language import _
from scheduler.services import actor, people, tokens
from scheduler.web import access, mcp_endpoint

login_manager = LoginManager()


@dataclass(frozen=True)
class SignedIn:
    """The person behind a request, as pages and views see them (plain values, no session needed)."""

    id: int
    email: str
    name: str
    role: str  # the role they act with: a read-only token's is "viewer"
    epoch: int
    language: str = ""  # "": the browser's
    timezone: str = "UTC"
    via_token: bool = False

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.epoch}"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def may(self, needed: str) -> bool:
        return roles.may(self.role, needed)

    @classmethod
    def of(cls, user, read_only: bool = False, via_token: bool = False) -> SignedIn:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=roles.may_write(user.role, read_only),
            epoch=user.session_epoch,
            language=user.language,
            timezone=user.timezone,
            via_token=via_token,
        )


@login_manager.user_loader
def _from_session(session_id: str):
    user_id, _colon, epoch = (session_id or "").partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None
    user = people.session_user(int(user_id), int(epoch))
    return SignedIn.of(user) if user else None


def _from_token() -> SignedIn | None | bool:
    """The token's person; False when a token was sent but is not good (that is a 401, whatever the
    session says); None when no token was sent."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    found = tokens.authenticate(token.strip())
    if found is None:
        return False
    user, row = found
    return SignedIn.of(user, read_only=row.read_only, via_token=True)


def _is_api() -> bool:
    return request.path.startswith("/api/") or mcp_endpoint.is_mcp(request.path)


def refuse(status: int, message: str):
    if _is_api():
        response = jsonify({"error": {"message": message, "fields": {}}})
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="refrain"'
        return response
    if status == 401:
        return redirect(url_for("people.sign_in", next=request.full_path.rstrip("?")))
    return render_template("error.html", title=_("Not allowed"), message=message), status


def _guard():
    # Flask-Login keeps the person in ``g``, which lives as long as the app context: one request's in
    # production, but a test's (or a CLI command's) may see many requests from different people
    g.pop("_login_user", None)
    if request.endpoint in (None, "static"):
        return None  # no route (the 404 or 405 answers by itself), or a file: nobody to look up
    needed = access.needed(request.endpoint, request.method)
    who = None
    if _is_api():
        who = _from_token()
        if who is False:
            return refuse(401, _("the API token is not valid: it was revoked, or mistyped"))
        if who is not None:
            g._login_user = who  # current_user for this request only; no session is opened for a token
    if who is None and not mcp_endpoint.is_mcp(request.path) and current_user.is_authenticated:
        who = current_user._get_current_object()
    if who is not None:
        g.refrain_actor = actor.begin(actor.Actor(who.id, who.display_name, who.role))
    if needed is None:
        return refuse(403, _("nobody may use this address yet"))
    if needed == roles.PUBLIC:
        return None
    if who is None:
        return refuse(401, _("sign in first (send Authorization: Bearer <token>)"))
    if not roles.may(who.role, needed):
        return refuse(
            403,
            _(
                "this needs a %(needed)s's role; you are signed in as %(role)s",
                needed=roles.role_label(needed).lower(),
                role=roles.role_label(who.role).lower(),
            ),
        )
    return None


def _end_actor(_exc=None):
    token = g.pop("refrain_actor", None)
    if token is not None:
        actor.end(token)


def init_app(app) -> None:
    login_manager.init_app(app, add_context_processor=False)  # pages get `me` below, which a 503 page survives
    login_manager.login_view = "people.sign_in"
    login_manager.session_protection = "basic"
    app.before_request(_guard)
    app.teardown_request(_end_actor)

    @app.context_processor
    def _person():
        try:
            who = current_user if current_user and current_user.is_authenticated else None
        except Exception:  # noqa: BLE001 - the 503 page (database down) still renders, without the menu
            who = None
        return {"me": who, "may": (lambda needed: bool(who) and roles.may(who.role, needed))}
