"""A test channel with a live API: it posts the draft as JSON to the account's address with its token.

The queue tests use it to drive the publishing path end to end (accounts, pauses, outcomes) against
a StandIn, without depending on any one real service's details.
"""

from channels.base import AccountField, Channel, Draft, Outcome
from channels.registry import register


class EchoChannel(Channel):
    name = "echotest"
    label = "Echo test channel"
    account_fields = (AccountField("api_url", "API address"), AccountField("token", "Token", secret=True))

    def render(self, post):
        return Draft(channel=self.name, payload={"text": post.body}, preview=post.body)

    def check(self, post, draft):
        return None, []

    def deliver_live(self, draft, post, context):
        account = context.account
        answer = context.http.request(
            "POST",
            account.setting("api_url") + "/posts",
            json=draft.payload,
            headers={"Authorization": f"Bearer {account.secret('token')}", "Idempotency-Key": context.idempotency_key},
        )
        data = answer.json()
        return Outcome.published(remote_id=str(data["id"]), url=data.get("url"))


register(EchoChannel)
