"""The team's event webhooks over the JSON API: managers subscribe URLs, test them and read their logs."""

from flask import jsonify

from scheduler.services import webhooks
from scheduler.web.api import blueprint, body
from scheduler.web.api import webhook_schemas as S
from scheduler.web.api.declared import accepts, answers
from scheduler.web.api.schemas import list_of


@blueprint.get("/webhooks")
@answers(200, list_of(S.WEBHOOK_ANSWER), "every subscription (their secrets only one by one)")
def list_webhooks():
    return jsonify([webhooks.webhook_dict(w) for w in webhooks.list_webhooks()])


@blueprint.post("/webhooks")
@accepts(S.NEW_WEBHOOK)
@answers(201, S.WEBHOOK_ANSWER, "the subscription, with the secret its receiver checks signatures with")
def create_webhook():
    webhook, secret = webhooks.create_webhook(body())
    return jsonify(webhooks.webhook_dict(webhook, secret)), 201


@blueprint.get("/webhooks/<int:webhook_id>")
@answers(200, S.WEBHOOK_ANSWER, "the subscription and its secret")
def get_webhook(webhook_id):
    webhook = webhooks.get_webhook(webhook_id)
    return jsonify(webhooks.webhook_dict(webhook, webhooks.secret_of(webhook)))


@blueprint.patch("/webhooks/<int:webhook_id>")
@accepts(S.WEBHOOK_CHANGES)
@answers(200, S.WEBHOOK_ANSWER, "the subscription, changed")
def update_webhook(webhook_id):
    return jsonify(webhooks.webhook_dict(webhooks.update_webhook(webhooks.get_webhook(webhook_id), body())))


@blueprint.delete("/webhooks/<int:webhook_id>")
@answers(204, None, "removed, with its log")
def delete_webhook(webhook_id):
    webhooks.delete_webhook(webhooks.get_webhook(webhook_id))
    return "", 204


@blueprint.get("/webhooks/<int:webhook_id>/deliveries")
@answers(200, list_of(S.DELIVERY_ANSWER), "each attempt, newest first (the last 100)")
def webhook_deliveries(webhook_id):
    return jsonify(webhooks.deliveries(webhooks.get_webhook(webhook_id)))


@blueprint.post("/webhooks/<int:webhook_id>/test")
@answers(202, S.PING_ANSWER, "a ping is on its way; its attempt appears in the deliveries")
def test_webhook(webhook_id):
    return jsonify({"event_id": webhooks.send_test(webhooks.get_webhook(webhook_id)), "queued": True}), 202
