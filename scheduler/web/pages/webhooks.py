"""The Webhooks pages (managers): the team's event subscriptions, each one's secret, test and log."""

from flask import flash, redirect, render_template, url_for

from scheduler.domain import webhooks as rules
from scheduler.domain.language import N_, _
from scheduler.services import plans, webhooks
from scheduler.web.forms.webhooks import WebhookForm
from scheduler.web.pages import blueprint, form_page


@blueprint.get("/webhooks")
def webhooks_page():
    return render_template(
        "webhooks/index.html", webhooks=webhooks.list_webhooks(), event_labels=rules.EVENT_LABELS, **_labels()
    )


@blueprint.route("/webhooks/new", methods=["GET", "POST"])
def create_webhook_page():
    form = WebhookForm.shown({"events": [rules.POST_PUBLISHED], "format": rules.JSON, "language": "en", "active": True})
    form.offer(plans.all_plans())
    if made := form.submit(lambda: webhooks.create_webhook(form.service_input())):
        flash(_("Webhook saved. Give its signing secret to the receiver: it checks each signature with it."))
        return redirect(url_for("ui.webhook_page", webhook_id=made[0].id))
    return form_page("webhooks/form.html", form, webhook=None)


@blueprint.route("/webhooks/<int:webhook_id>/edit", methods=["GET", "POST"])
def change_webhook_page(webhook_id):
    webhook = webhooks.get_webhook(webhook_id)
    form = WebhookForm.shown(WebhookForm.values_of(webhook))
    form.offer(plans.all_plans())
    if form.submit(lambda: webhooks.update_webhook(webhook, form.service_input())):
        flash(_("Webhook saved."))
        return redirect(url_for("ui.webhook_page", webhook_id=webhook.id))
    return form_page("webhooks/form.html", form, webhook=webhook)


@blueprint.get("/webhooks/<int:webhook_id>")
def webhook_page(webhook_id):
    webhook = webhooks.get_webhook(webhook_id)
    return render_template(
        "webhooks/show.html",
        webhook=webhook,
        secret=webhooks.secret_of(webhook),
        deliveries=webhooks.deliveries(webhook),
        event_labels=rules.EVENT_LABELS,
        **_labels(),
    )


@blueprint.post("/webhooks/<int:webhook_id>/test")
def test_webhook_page(webhook_id):
    webhooks.send_test(webhooks.get_webhook(webhook_id))
    flash(_("A test is on its way; its answer appears in the log below in a moment."))
    return redirect(url_for("ui.webhook_page", webhook_id=webhook_id))


@blueprint.post("/webhooks/<int:webhook_id>/delete")
def delete_webhook_page(webhook_id):
    webhooks.delete_webhook(webhooks.get_webhook(webhook_id))
    flash(_("Webhook removed, with its log."))
    return redirect(url_for("ui.webhooks_page"))


def _labels() -> dict:
    return {
        "format_labels": rules.FORMAT_LABELS,
        "outcome_labels": OUTCOMES,
        "plan_names": {p.id: p.name for p in plans.all_plans()},
    }


OUTCOMES = {
    "delivered": N_("delivered"),
    "retry": N_("to be tried again"),
    "failed": N_("failed"),
    "refused": N_("refused: inside address"),
}
