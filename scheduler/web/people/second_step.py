"""Two-step sign-in on a person's own page (owners and managers): turning it on with the secret shown as
text, as an otpauth:// URI and as a QR code, confirmed by a current code; turning it off with a code.
And the owners' rescue for someone who lost their phone.

The QR code is drawn on the server (segno, as SVG) and shown as a ``data:`` image, which the CSP's
``img-src`` allows: no script, no third-party service ever sees the secret.
"""

import segno
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from scheduler.domain.language import _
from scheduler.services import people, two_step
from scheduler.services.errors import Conflict
from scheduler.web.forms.people import CodeForm
from scheduler.web.people import blueprint


def _me():
    return people.get(current_user.id)


def qr_code(uri: str) -> str:
    """The URI as a QR code, an SVG ``data:`` URI for an ``<img>``."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


@blueprint.route("/me/two-step", methods=["GET", "POST"])
def two_step_page():
    me = _me()
    if two_step.is_on(me):
        return render_template("people/two_step.html", me=me, on=True, form=CodeForm(formdata=None))
    try:
        setup = two_step.begin(me)
    except Conflict as refused:
        flash(refused.message)
        return redirect(url_for("people.profile"))
    form = CodeForm.shown()
    if form.submit(lambda: two_step.confirm(me, form.code.data or "")) is not None:
        flash(_("Two-step sign-in is on: from now on, signing in asks for a code after your password."))
        return redirect(url_for("people.profile"))
    return render_template(
        "people/two_step.html", me=me, on=False, form=form, setup=setup, qr=qr_code(setup.uri)
    ), 422 if form.errors else 200


@blueprint.post("/me/two-step/off")
def two_step_off():
    me = _me()
    form = CodeForm()
    if form.submit(lambda: two_step.turn_off(me, form.code.data or "")) is not None:
        flash(_("Two-step sign-in is off: your password alone signs you in."))
        return redirect(url_for("people.profile"))
    return render_template("people/two_step.html", me=me, on=True, form=form), 422


@blueprint.post("/people/<int:user_id>/two-step-off")
def two_step_off_for(user_id):
    person = two_step.turn_off_for(people.get(user_id))
    flash(
        _(
            "%(name)s: two-step sign-in is off; they can turn it on again from their page.",
            name=person.display_name,
        )
    )
    return redirect(url_for("people.team"))
