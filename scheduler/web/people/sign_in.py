"""Signing in (the password, then a code when two-step sign-in is on) and out, a password set through a
signed link, and the first owner's welcome.

Failed attempts are rate-limited (``web.limits``): per account typed and per client for the password,
per account and per client for the code. After a right password, a person with two-step sign-in is
*not* signed in: the session only remembers, for ``CODE_MINUTES``, who passed the first step (their
id and session epoch), and the code page signs them in.
"""

import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from scheduler.domain.language import _
from scheduler.services import people, two_step
from scheduler.services.errors import Conflict, Invalid
from scheduler.web import limits
from scheduler.web.auth import SignedIn
from scheduler.web.forms.people import CodeForm, SetPasswordForm, SignInForm, WelcomeForm
from scheduler.web.limits import form_field, limiter, refused
from scheduler.web.people import blueprint

PASSED_PASSWORD = "refrain.passed_password"  # {"u": id, "e": epoch, "at": when}: the code's page is next
CODE_MINUTES = 5  # the code must follow the password within this


def _next_page() -> str:
    """Where to go after signing in: a page of ours, never another site (``//evil.example`` included)."""
    wanted = request.args.get("next") or ""
    parts = urlsplit(wanted)
    if not wanted.startswith("/") or wanted.startswith("//") or parts.scheme or parts.netloc or "\\" in wanted:
        return url_for("ui.index")
    return wanted


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: limits.SIGN_INS_PER_ACCOUNT,
    key_func=form_field("email"),
    methods=["POST"],
    scope="sign-in-account",
    deduct_when=refused,
)
@limiter.limit(lambda: limits.SIGN_INS_PER_CLIENT, methods=["POST"], scope="sign-in-client", deduct_when=refused)
def sign_in():
    if people.nobody_yet():
        return render_template("people/no_owner.html"), 200
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_next_page())
    form = SignInForm.shown()
    user = form.submit(lambda: people.sign_in(form.email.data or "", form.password.data or ""))
    if user is not None and two_step.is_on(user):
        session[PASSED_PASSWORD] = {"u": user.id, "e": user.session_epoch, "at": int(time.time())}
        return redirect(url_for("people.sign_in_code", next=request.args.get("next") or None))
    if user is not None:
        session.pop(PASSED_PASSWORD, None)
        login_user(SignedIn.of(user))
        return redirect(_next_page())
    return render_template("people/sign_in.html", form=form), 422 if form.errors else 200


def _passed_password():
    """The person whose password was right a moment ago in this browser; None when nobody's was, or long ago."""
    passed = session.get(PASSED_PASSWORD)
    if not isinstance(passed, dict) or time.time() - passed.get("at", 0) > CODE_MINUTES * 60:
        return None
    return people.session_user(passed.get("u", 0), passed.get("e", -1))


def _code_account() -> str:
    """The code's limit key: the person of the first step (the form has no address field)."""
    passed = session.get(PASSED_PASSWORD)
    return f"person:{passed.get('u') if isinstance(passed, dict) else ''}"


@blueprint.route("/login/code", methods=["GET", "POST"])
@limiter.limit(
    lambda: limits.CODES_PER_ACCOUNT, key_func=_code_account, methods=["POST"], scope="code", deduct_when=refused
)
@limiter.limit(lambda: limits.SIGN_INS_PER_CLIENT, methods=["POST"], scope="code-client", deduct_when=refused)
def sign_in_code():
    user = _passed_password()
    if user is None:
        session.pop(PASSED_PASSWORD, None)
        flash(_("Sign in with your password first (the code must follow it within a few minutes)."))
        return redirect(url_for("people.sign_in", next=request.args.get("next") or None))
    form = CodeForm.shown()
    signed = form.submit(lambda: two_step.check(user, form.code.data or ""))
    if signed is not None:
        session.pop(PASSED_PASSWORD, None)
        login_user(SignedIn.of(signed))
        return redirect(_next_page())
    return render_template("people/sign_in_code.html", form=form), 422 if form.errors else 200


@blueprint.post("/logout")
def sign_out():
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("people.sign_in"))


@blueprint.route("/password/<token>", methods=["GET", "POST"])
def set_password(token):
    try:
        person = people.user_for_password_token(token)
    except Invalid as refused_link:
        message = refused_link.fields.get("link", refused_link.message)
        return render_template("people/link_refused.html", message=message), 410
    form = SetPasswordForm.shown()
    user = form.submit(lambda: people.set_password(token, form.password.data or ""))
    if user is not None:
        logout_user()
        if two_step.is_on(user):  # the link stands for the password only: the code is still asked
            session[PASSED_PASSWORD] = {"u": user.id, "e": user.session_epoch, "at": int(time.time())}
            flash(_("Your password is set. Now the code from your authenticator app."))
            return redirect(url_for("people.sign_in_code"))
        login_user(SignedIn.of(user))
        flash(_("Your password is set. Welcome to Refrain."))
        return redirect(url_for("ui.index"))
    return render_template("people/set_password.html", form=form, person=person), 422 if form.errors else 200


@blueprint.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token):
    """The link the first ``refrain serve`` prints: whoever opens it first creates the owner."""
    try:
        people.check_first_owner_token(token)
    except (Invalid, Conflict) as refusal:
        if isinstance(refusal, Invalid):
            message = refusal.fields.get("link", refusal.message)
        else:  # said of the team, not of the link: the page reads "The link …"
            message = _("was for the first owner, and %(problem)s", problem=refusal.message)
        return render_template("people/link_refused.html", message=message), 410
    form = WelcomeForm.shown()
    user = form.submit(
        lambda: people.create_first_owner(token, form.email.data or "", form.name.data or "", form.password.data or ""),
        refusals=(Invalid, Conflict),
    )
    if user is not None:
        login_user(SignedIn.of(user))
        flash(_("You are the owner of this Refrain. Invite your team from the People page."))
        return redirect(url_for("ui.index"))
    return render_template("people/welcome.html", form=form), 422 if form.errors else 200
