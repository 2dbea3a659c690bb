"""The newsletter's team page: subscribers, referral codes and the signups they brought, the issues
being mailed. On the ``newsletter`` blueprint, beside the public pages (``web/public.py``)."""

from flask import flash, redirect, url_for

from scheduler.domain.language import _, ngettext
from scheduler.services import runtime
from scheduler.services.newsletter import issues, subscribers
from scheduler.web.forms.newsletter import ReferralForm
from scheduler.web.pages import form_page
from scheduler.web.public import blueprint


@blueprint.get("")
def manage():
    return manage_with(ReferralForm(formdata=None))


def manage_with(form: ReferralForm):
    return form_page(
        "newsletter/manage.html",
        form,
        counts=subscribers.counts_by_status(),
        referrals=subscribers.referral_report(),
        issues=issues.recent_issues(),
        public_url=runtime.settings().public_url,  # the signup links staff hand out: never the request's Host
    )


@blueprint.post("/referrals")
def add_referral():
    form = ReferralForm()
    if referral := form.submit(lambda: subscribers.add_referral_code(form.service_input())):
        flash(_("Referral code “%(code)s” added for %(name)s.", code=referral.code, name=referral.staff_name))
        return redirect(url_for("newsletter.manage"))
    return manage_with(form)


@blueprint.post("/issues/<int:post_id>/resume")
def resume(post_id):
    batches = issues.resume_issue(post_id)
    flash(
        ngettext("%(num)s batch queued again.", "%(num)s batches queued again.", batches)
        if batches
        else _("Nothing is waiting to be sent for this issue.")
    )
    return redirect(url_for("newsletter.manage"))
