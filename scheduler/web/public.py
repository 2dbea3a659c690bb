"""The newsletter's pages: the public ones readers reach from a form or an email (signup, confirm,
unsubscribe) and the team's page (subscribers, referral codes, issues being mailed).

Unsubscribing is RFC 8058's one-click: mail clients POST ``List-Unsubscribe=One-Click`` to the link
of the List-Unsubscribe header, with no cookie and no CSRF token, so that route is exempt from
CSRF; the signed token in its address is what authorises it. A GET only shows the button, because
link scanners follow every link of a message.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from scheduler.services import newsletter
from scheduler.services.errors import Invalid, NotFound
from scheduler.web import csrf

blueprint = Blueprint("newsletter", __name__, url_prefix="/newsletter")


@blueprint.route("/signup", methods=["GET", "POST"])
def signup():
    errors, form = {}, request.form if request.method == "POST" else {"ref": request.args.get("ref", "")}
    if request.method == "POST":
        try:
            subscriber, send = newsletter.signup(
                {"email": form.get("email", ""), "name": form.get("name", ""), "ref": form.get("ref", "")}
            )
        except Invalid as error:
            errors = error.fields
        else:
            if send:
                newsletter.request_confirmation(subscriber, request.url_root)
            return render_template("newsletter/public.html", page="check_inbox", email=subscriber.email)
    return render_template("newsletter/public.html", page="signup", form=form, errors=errors), 422 if errors else 200


@blueprint.get("/confirm/<token>")
def confirm(token):
    try:
        subscriber = newsletter.confirm(token)
    except newsletter.BadToken as error:
        return render_template("newsletter/public.html", page="bad_link", message=str(error)), 400
    except NotFound:
        return render_template("newsletter/public.html", page="bad_link", message="this link is not valid"), 404
    return render_template("newsletter/public.html", page="confirmed", email=subscriber.email)


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    try:
        subscriber = (
            newsletter.unsubscribe(token) if request.method == "POST" else newsletter.subscriber_for_unsubscribe(token)
        )
    except newsletter.BadToken as error:
        return render_template("newsletter/public.html", page="bad_link", message=str(error)), 400
    except NotFound:
        return render_template("newsletter/public.html", page="bad_link", message="this link is not valid"), 404
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


@blueprint.get("")
def manage():
    return render_template(
        "newsletter/manage.html",
        counts=newsletter.counts_by_status(),
        referrals=newsletter.referral_report(),
        issues=newsletter.issues(),
        form={},
        errors={},
    )


@blueprint.post("/referrals")
def add_referral():
    try:
        referral = newsletter.add_referral_code(request.form)
    except Invalid as error:
        return render_template(
            "newsletter/manage.html",
            counts=newsletter.counts_by_status(),
            referrals=newsletter.referral_report(),
            issues=newsletter.issues(),
            form=request.form,
            errors=error.fields,
        ), 422
    flash(f"Referral code “{referral.code}” added for {referral.staff_name}.")
    return redirect(url_for("newsletter.manage"))


@blueprint.post("/issues/<int:post_id>/resume")
def resume(post_id):
    batches = newsletter.resume_issue(post_id)
    flash(f"{batches} batch(es) queued again." if batches else "Nothing is waiting to be sent for this issue.")
    return redirect(url_for("newsletter.manage"))
