"""The newsletter's public pages, reached by readers from a form or an email: signup, confirm,
unsubscribe. The ``newsletter`` blueprint; the team's page on it is ``pages/newsletter.py``.

Unsubscribing is RFC 8058's one-click: mail clients POST ``List-Unsubscribe=One-Click`` to the link
of the List-Unsubscribe header, with no cookie and no CSRF token, so that route is exempt from
CSRF; the signed token in its address is what authorises it. A GET only shows the button, because
link scanners follow every link of a message.
"""

from flask import Blueprint, render_template, request

from scheduler.services import newsletter
from scheduler.services.errors import NotFound
from scheduler.web import csrf
from scheduler.web.forms.newsletter import SignupForm

blueprint = Blueprint("newsletter", __name__, url_prefix="/newsletter")


@blueprint.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm.shown({"ref": request.args.get("ref", "")})
    if signed := form.submit(lambda: newsletter.signup(form.service_input())):
        subscriber, send = signed
        if send:
            newsletter.request_confirmation(subscriber, request.url_root)
        return render_template("newsletter/public.html", page="check_inbox", email=subscriber.email)
    return render_template("newsletter/public.html", page="signup", form=form), 422 if form.errors else 200


def bad_link(message: str, status: int):
    return render_template("newsletter/public.html", page="bad_link", message=message), status


@blueprint.get("/confirm/<token>")
def confirm(token):
    try:
        subscriber = newsletter.confirm(token)
    except newsletter.BadToken as error:
        return bad_link(str(error), 400)
    except NotFound:
        return bad_link("this link is not valid", 404)
    return render_template("newsletter/public.html", page="confirmed", email=subscriber.email)


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    try:
        subscriber = (
            newsletter.unsubscribe(token) if request.method == "POST" else newsletter.subscriber_for_unsubscribe(token)
        )
    except newsletter.BadToken as error:
        return bad_link(str(error), 400)
    except NotFound:
        return bad_link("this link is not valid", 404)
    if request.method == "POST":
        return render_template("newsletter/public.html", page="unsubscribed", email=subscriber.email)
    return render_template(
        "newsletter/public.html",
        page="unsubscribe",
        email=subscriber.email,
        token=token,
        already=subscriber.status == newsletter.UNSUBSCRIBED,
    )


csrf.exempt(unsubscribe)  # RFC 8058: a bare POST from the reader's mail client
