""" "Forgot your password?": a public page that mails a short-lived set-password link
(``services.password_mail``), answering the same whatever address is typed.

Each request may send mail, so every one is counted (per address typed and per client), not only the
refused ones. Without mail configured the page says to ask an owner, who can print a link on the People
page (or ``refrain user create EMAIL --role R`` at the server).
"""

from flask import render_template

from scheduler.services import password_mail, people
from scheduler.web import limits
from scheduler.web.forms.people import ForgotPasswordForm
from scheduler.web.limits import form_field, limiter
from scheduler.web.people import blueprint


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: limits.RESETS_PER_ADDRESS, key_func=form_field("email"), methods=["POST"], scope="reset-address")
@limiter.limit(lambda: limits.RESETS_PER_CLIENT, methods=["POST"], scope="reset-client")
def forgot_password():
    if not password_mail.configured():
        return render_template("people/forgot_password.html", page="ask_an_owner")
    form = ForgotPasswordForm.shown()
    if form.validate_on_submit():
        email = (form.email.data or "").strip()
        password_mail.request_link(email)
        return render_template("people/forgot_password.html", page="sent", email=email, hours=people.RESET_HOURS)
    return render_template("people/forgot_password.html", page="form", form=form), 422 if form.errors else 200
