"""A test channel whose service holds a post until its time and publishes it by itself, as WordPress
(``future``) and YouTube (``publishAt``) do, played by a StandIn:

- ``POST /posts``: a new object, ``{"text", "title", "ref", "status": "future" | "publish", "publish_at"}``;
  answers ``{"id", "url"}``;
- ``PUT /posts/<id>``: the same fields, updating the object Refrain was given the id of;
- ``DELETE /posts/<id>``: withdrawn (no longer held as scheduled).

The hand-over tests drive the whole path with it (hand-over, edit, withdrawal, delivery at its time)
and count the requests, without depending on one real service's details.
"""

from channels.base import (
    AccountField,
    Channel,
    DeliveryFailure,
    Draft,
    Outcome,
    as_utc,
    identity_marker,
)
from channels.registry import register


class AheadChannel(Channel):
    name = "aheadtest"
    label = "Ahead"
    account_fields = (AccountField("api_url", "API address"), AccountField("token", "Token", secret=True))

    def render(self, post):
        return Draft(channel=self.name, payload={"text": post.body, "title": post.title}, preview=post.body)

    def schedules_ahead(self, account):
        return account is not None

    def deliver_live(self, draft, post, context):
        payload = {**draft.payload, "ref": identity_marker(post.id)}
        when = as_utc(post.scheduled_at)
        if when is not None and when > context.moment():
            payload |= {"status": "future", "publish_at": when.isoformat()}
        else:
            payload["status"] = "publish"
        if post.remote_id:
            answer = self._ask(context, "PUT", f"/posts/{post.remote_id}", payload)
        else:
            answer = self._ask(context, "POST", "/posts", payload)
        data = answer.json()
        return Outcome.published(remote_id=str(data.get("id") or post.remote_id), url=data.get("url"))

    def withdraw(self, post, context):
        if context.mode != "live" or not post.remote_id:
            return Outcome.rejected("nothing was handed over")
        try:
            self._ask(context, "DELETE", f"/posts/{post.remote_id}")
        except DeliveryFailure as failure:
            return failure.outcome
        return Outcome.published(message="deleted there")

    def _ask(self, context, method, path, payload=None):
        account = context.account
        return context.http.request(
            method,
            account.setting("api_url") + path,
            json=payload,
            headers={"Authorization": f"Bearer {account.secret('token')}"},
        )


register(AheadChannel)
