"""A person's own page (settings, password, API tokens) and, for owners, the team and the audit trail."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from scheduler.domain.access import role_label
from scheduler.domain.language import _
from scheduler.services import audit, people, tokens, two_step
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.auth import SignedIn
from scheduler.web.forms.people import ChangePasswordForm, InviteForm, PersonForm, ProfileForm, TokenForm
from scheduler.web.people import blueprint, calendar_link

NEW_TOKEN = "refrain.new_token"  # the token just made, shown on the next page once, then forgotten


def _me():
    return people.get(current_user.id)


@blueprint.route("/me", methods=["GET", "POST"])
def profile():
    me = _me()
    profile_form = ProfileForm.shown({"name": me.name, "language": me.language, "timezone": me.timezone})
    password_form = ChangePasswordForm(formdata=None)
    token_form = TokenForm(formdata=None)
    if request.method == "POST" and request.form.get("form") == "password":
        profile_form, password_form = ProfileForm(formdata=None, data={"name": me.name}), ChangePasswordForm()
        user = password_form.submit(
            lambda: people.change_password(
                me, password_form.current_password.data or "", password_form.new_password.data or ""
            )
        )
        if user is not None:
            login_user(SignedIn.of(user))  # this session goes on; every other one has ended
            flash(_("Your password is changed; you were signed out everywhere else."))
            return redirect(url_for("people.profile"))
    elif request.method == "POST":
        saved = profile_form.submit(
            lambda: people.update_profile(
                me,
                name=profile_form.name.data or "",
                language=profile_form.language.data or "",
                time_zone=(profile_form.timezone.data or "").strip(),
            )
        )
        if saved is not None:
            flash(_("Your settings are saved."))
            return redirect(url_for("people.profile"))
    failed = profile_form.errors or password_form.errors
    return render_template(
        "people/profile.html",
        me=me,
        profile_form=profile_form,
        password_form=password_form,
        token_form=token_form,
        my_tokens=tokens.of(me),
        new_token=session.pop(NEW_TOKEN, None),
        role_label=role_label(me.role),
        two_step_offered=two_step.offered(me),
        two_step_on=two_step.is_on(me),
        **calendar_link.section(me),
    ), 422 if failed else 200


@blueprint.post("/me/tokens")
def create_token():
    form = TokenForm()
    made = form.submit(lambda: tokens.create(_me(), form.label.data or "", bool(form.read_only.data)))
    if made is None:
        flash("; ".join(form.problems()) or _("The token was not made."))
    else:
        session[NEW_TOKEN] = made[1]
    return redirect(url_for("people.profile") + "#tokens")


@blueprint.post("/me/tokens/<int:token_id>/revoke")
def revoke_token(token_id):
    by_owner = current_user.may("owner")
    tokens.revoke(_me(), token_id, by_owner=by_owner)
    flash(_("The token is revoked: scripts using it are refused from now on."))
    return redirect(request.form.get("back") or url_for("people.profile"))


@blueprint.get("/people")
def team():
    return _team_page(InviteForm(formdata=None))


def _team_page(invite_form, link: tuple[str, str] | None = None, status: int = 200):
    everyone = people.everyone()
    forms = {
        p.id: PersonForm(formdata=None, data={"role": p.role, "active": p.active}, prefix=f"p{p.id}") for p in everyone
    }
    return render_template(
        "people/team.html",
        everyone=everyone,
        forms=forms,
        invite_form=invite_form,
        link=link,
        two_step_on={p.id for p in everyone if two_step.is_on(p)},
    ), status


@blueprint.post("/people")
def invite():
    form = InviteForm()
    made = form.submit(
        lambda: people.create_or_update(form.email.data or "", form.role.data or "", form.name.data or None)
    )
    if made is None:
        return _team_page(form, status=422)
    user, new = made
    role = role_label(user.role).lower()
    if new:
        flash(_("%(name)s is invited as %(role)s.", name=user.display_name, role=role))
    else:
        flash(_("%(name)s is updated as %(role)s.", name=user.display_name, role=role))
    return _team_page(InviteForm(formdata=None), link=(user.display_name, people.password_link(user)))


@blueprint.post("/people/<int:user_id>")
def change_person(user_id):
    person = people.get(user_id)
    form = PersonForm(prefix=f"p{user_id}")
    try:
        people.update(person, role=form.role.data, active=bool(form.active.data))
    except (Invalid, Conflict) as refused:
        flash(_("%(name)s: %(problem)s", name=person.display_name, problem=refused.message))
        return _team_page(InviteForm(formdata=None), status=409)
    flash(_("%(name)s: saved.", name=person.display_name))
    return redirect(url_for("people.team"))


@blueprint.post("/people/<int:user_id>/password-link")
def password_link(user_id):
    person = people.get(user_id)
    return _team_page(InviteForm(formdata=None), link=(person.display_name, people.password_link(person)))


@blueprint.get("/audit")
def audit_page():
    actor_id = request.args.get("actor", type=int)
    object_type = request.args.get("object") or None
    object_type = object_type if object_type in audit.OBJECT_TYPES else None
    since_text = request.args.get("since") or ""
    try:  # a day picked on the page starts on the reader's own clock
        since = audit.since_of(since_text, current_user.timezone)
    except Invalid as refused:
        flash(_("Since %(problem)s; showing every day.", problem=refused.fields["since"]))
        since = None
    before_id = request.args.get("before", type=int)
    lines = audit.events(since=since, actor_id=actor_id, object_type=object_type, before_id=before_id, limit=100)
    return render_template(
        "people/audit.html",
        lines=lines,
        everyone=people.everyone(),
        object_types=audit.OBJECT_TYPES,
        chosen={"actor": actor_id, "object": object_type, "since": since_text},
        older=lines[-1].id if len(lines) == 100 else None,
    )
