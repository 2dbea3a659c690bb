"""The newsletter's public pages, reached by readers from a form or an email: signup, confirm,
unsubscribe. The ``newsletter`` blueprint; the team's page on it is ``pages/newsletter.py``.

Signing up is rate-limited (``web.limits``) per address typed, per client and overall: the form is open
to anyone, and each signup mails a confirmation. Links in mail start with ``REFRAIN_PUBLIC_URL``, never
with the Host a request named.

Unsubscribing is RFC 8058's one-click: mail clients POST ``List-Unsubscribe=One-Click`` to the link
of the List-Unsubscribe header, with no cookie and no CSRF token, so that route is exempt from
CSRF; the signed token in its address is what authorises it. A GET only shows the button, because
link scanners follow every link of a message.
"""

from flask import Blueprint, render_template, request

from scheduler.domain.language import _
from scheduler.services.errors import NotFound
from scheduler.services.newsletter import UNSUBSCRIBED, messages, subscribers
from scheduler.web import csrf, limits
from scheduler.web.forms.newsletter import SignupForm
from scheduler.web.limits import everyone, form_field, limiter

blueprint = Blueprint("newsletter", __name__, url_prefix="/newsletter")


@blueprint.route("/signup", methods=["GET", "POST"])
@limiter.limit(
    lambda: limits.SIGNUPS_PER_ADDRESS, key_func=form_field("email"), methods=["POST"], scope="signup-address"
)
@limiter.limit(lambda: limits.SIGNUPS_PER_CLIENT, methods=["POST"], scope="signup-client")
@limiter.limit(lambda: limits.SIGNUPS_OVERALL, key_func=everyone, methods=["POST"], scope="signup-all")
def signup():
    form = SignupForm.shown({"ref": request.args.get("ref", "")})
    if signed := form.submit(lambda: subscribers.signup(form.service_input())):
        subscriber, send = signed
        if send:
            messages.request_confirmation(subscriber)
        return render_template("newsletter/public.html", page="check_inbox", email=subscriber.email)
    return render_template("newsletter/public.html", page="signup", form=form), 422 if form.errors else 200


def bad_link(message: str, status: int):
    return render_template("newsletter/public.html", page="bad_link", message=message), status


@blueprint.get("/confirm/<token>")
def confirm(token):
    try:
        subscriber = subscribers.confirm(token)
    except subscribers.BadToken as error:
        return bad_link(str(error), 400)
    except NotFound:
        return bad_link(_("this link is not valid"), 404)
    return render_template("newsletter/public.html", page="confirmed", email=subscriber.email)


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    try:
        subscriber = (
            subscribers.unsubscribe(token)
            if request.method == "POST"
            else subscribers.subscriber_for_unsubscribe(token)
        )
    except subscribers.BadToken as error:
        return bad_link(str(error), 400)
    except NotFound:
        return bad_link(_("this link is not valid"), 404)
    if request.method == "POST":
        return render_template("newsletter/public.html", page="unsubscribed", email=subscriber.email)
    return render_template(
        "newsletter/public.html",
        page="unsubscribe",
        email=subscriber.email,
        token=token,
        already=subscriber.status == UNSUBSCRIBED,
    )


csrf.exempt(unsubscribe)  # RFC 8058: a bare POST from the reader's mail client
