"""Signing in and out, a password set through a signed link, and the first owner's welcome."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from scheduler.services import people
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.auth import SignedIn
from scheduler.web.forms.people import SetPasswordForm, SignInForm, WelcomeForm
from scheduler.web.people import blueprint


def _next_page() -> str:
    """Where to go after signing in: a page of ours, never another site (``//evil.example`` included)."""
    wanted = request.args.get("next") or ""
    parts = urlsplit(wanted)
    if not wanted.startswith("/") or wanted.startswith("//") or parts.scheme or parts.netloc or "\\" in wanted:
        return url_for("ui.index")
    return wanted


@blueprint.route("/login", methods=["GET", "POST"])
def sign_in():
    if people.nobody_yet():
        return render_template("people/no_owner.html"), 200
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_next_page())
    form = SignInForm.shown()
    user = form.submit(lambda: people.sign_in(form.email.data or "", form.password.data or ""))
    if user is not None:
        login_user(SignedIn.of(user))
        return redirect(_next_page())
    return render_template("people/sign_in.html", form=form), 422 if form.errors else 200


@blueprint.post("/logout")
def sign_out():
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("people.sign_in"))


@blueprint.route("/password/<token>", methods=["GET", "POST"])
def set_password(token):
    try:
        person = people.user_for_password_token(token)
    except Invalid as refused:
        return render_template("people/link_refused.html", message=refused.fields.get("link", refused.message)), 410
    form = SetPasswordForm.shown()
    user = form.submit(lambda: people.set_password(token, form.password.data or ""))
    if user is not None:
        logout_user()
        login_user(SignedIn.of(user))
        flash("Your password is set. Welcome to Refrain.")
        return redirect(url_for("ui.index"))
    return render_template("people/set_password.html", form=form, person=person), 422 if form.errors else 200


@blueprint.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token):
    """The link the first ``refrain serve`` prints: whoever opens it first creates the owner."""
    try:
        people.check_first_owner_token(token)
    except (Invalid, Conflict) as refused:
        message = refused.fields.get("link", refused.message) if isinstance(refused, Invalid) else refused.message
        return render_template("people/link_refused.html", message=message), 410
    form = WelcomeForm.shown()
    user = form.submit(
        lambda: people.create_first_owner(token, form.email.data or "", form.name.data or "", form.password.data or ""),
        refusals=(Invalid, Conflict),
    )
    if user is not None:
        login_user(SignedIn.of(user))
        flash("You are the owner of this Refrain. Invite your team from the People page.")
        return redirect(url_for("ui.index"))
    return render_template("people/welcome.html", form=form), 422 if form.errors else 200
