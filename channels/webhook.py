"""Webhook: any other destination (a CMS, Zapier, a chat, your own service) gets the post as signed JSON.

Delivery is one ``POST`` to the account's URL, ``Content-Type: application/json``, with the body::

    {"post": {"id", "channel", "title", "body", "link", "scheduled_at", "extra"},
     "draft": {"title", "body", "link", "media"?},
     "idempotency_key": "refrain-post-7"}

``scheduled_at`` is RFC 3339 in UTC (or null). Every attempt at one post carries the same
idempotency key, in the body and in ``X-Refrain-Idempotency-Key``: a receiver that keeps the keys it
has seen can ignore a repeat (a repeat happens when an earlier attempt got no answer).

Signature (Stripe's scheme): ``X-Refrain-Signature: t=<unix seconds>,v1=<hex>`` where ``<hex>`` is
HMAC-SHA256, keyed with the account's signing secret, over ``"<t>." + <raw request body>``. To check
it, a receiver takes the raw bytes (before any JSON parsing), recomputes the HMAC over
``f"{t}.".encode() + body``, compares with ``hmac.compare_digest``, and refuses a ``t`` more than a few
minutes old (replays).

The receiver answers any 2xx once it has the post; a JSON answer's ``"id"`` (and ``"url"``) are
kept as the published post's. 401/403 mark the account for reconnection, 429 and 5xx are retried
(honouring Retry-After), any other status fails the post with the receiver's words.
"""

import hashlib
import hmac
import json
import time

from channels.base import (
    ADDRESS,
    AccountField,
    Channel,
    DeliveryFailure,
    Draft,
    Length,
    Media,
    Outcome,
    PostContent,
    Problem,
    as_utc,
)
from channels.credentials import connected, connection_check
from channels.registry import register
from channels.shaping import media_extra, media_of
from scheduler.domain.language import N_, _
from scheduler.domain.links import is_web_address

BODY_MAX = 100_000
SIGNATURE_HEADER, IDEMPOTENCY_HEADER = "X-Refrain-Signature", "X-Refrain-Idempotency-Key"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value: t=<timestamp>,v1=<HMAC-SHA256 of "<timestamp>.<body>">."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def delivery_body(draft: Draft, post: PostContent, idempotency_key: str) -> bytes:
    when = as_utc(post.scheduled_at)
    document = {
        "post": {
            "id": post.id,
            "channel": post.channel,
            "title": post.title,
            "body": post.body,
            "link": post.link,
            "scheduled_at": when.isoformat() if when else None,
            "extra": dict(post.extra or {}),
        },
        "draft": draft.payload,
        "idempotency_key": idempotency_key,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


class Webhook(Channel):
    name = "webhook"
    label = N_("Webhook")
    limits = {"body": BODY_MAX}
    extra_fields = {"media": Media}
    feed_content_type = "text"
    account_fields = (
        AccountField("url", N_("Webhook URL"), help=N_("where each post is sent as a signed JSON POST"), kind=ADDRESS),
        AccountField(
            "signing_secret",
            N_("Signing secret"),
            secret=True,
            help=N_("shared with the receiver, which checks X-Refrain-Signature with it"),
        ),
    )

    def render(self, post):
        payload = {"title": post.title.strip(), "body": post.body, "link": post.link.strip()}
        media = media_of(post.extra)
        if media:
            payload["media"] = media
        preview = "\n\n".join(part for part in (payload["title"], post.body.strip(), payload["link"]) if part)
        return Draft(self.name, payload, preview)

    def check(self, post, draft):
        payload, problems = draft.payload, []
        size = len(payload["body"])
        if not (payload["title"] or payload["body"].strip() or payload["link"] or payload.get("media")):
            problems.append(Problem("empty", _("write something: the post is empty"), field="body"))
        if size > BODY_MAX:
            problems.append(
                Problem(
                    "too_long",
                    _(
                        "the text has %(size)s characters, %(n)s over the webhook's %(body_max)s",
                        size=size,
                        n=size - BODY_MAX,
                        body_max=BODY_MAX,
                    ),
                    field="body",
                    start=BODY_MAX,
                    end=size,
                )
            )
        if payload["link"] and not is_web_address(payload["link"]):
            problems.append(Problem("bad_link", _("the link must be an http:// or https:// address"), field="link"))
        return Length(size, BODY_MAX, "characters"), problems

    def adapt(self, source):
        """The post as it is: title, text, link and attachments (a receiver shapes it its own way)."""
        body = source.body if len(source.body) <= BODY_MAX else source.body[:BODY_MAX]
        return PostContent(
            channel=self.name,
            body=body,
            title=source.title,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra=media_extra(media_of(source.extra)),
        )

    def deliver_live(self, draft, post, context):
        account = context.account
        url, secret = account.setting("url").strip(), account.secret("signing_secret")
        if not url:
            return Outcome.rejected(_("the webhook account has no URL: set it on the Accounts page"))
        if not secret:
            return Outcome.unauthorized(
                _("the webhook account has no signing secret: reconnect it on the Accounts page")
            )
        body = delivery_body(draft, post, context.idempotency_key)
        headers = {
            SIGNATURE_HEADER: signature(secret, int(time.time()), body),
            IDEMPOTENCY_HEADER: context.idempotency_key,
        }
        try:
            response = context.http.request("POST", url, body=body, headers=headers, content_type="application/json")
        except DeliveryFailure as failure:
            raise DeliveryFailure(without_secret(failure.outcome, secret)) from None
        try:
            answer = json.loads(response.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            answer = None  # any 2xx is a delivery; the answer's shape is the receiver's business
        answer = answer if isinstance(answer, dict) else {}
        remote_id = answer.get("id")
        remote_url = answer.get("url")
        return Outcome.published(
            str(remote_id) if remote_id not in (None, "") else None,
            remote_url if isinstance(remote_url, str) and is_web_address(remote_url) else None,
            message=_("the webhook answered %(status)s", status=response.status),
        )

    @connection_check
    def check_connection(self, context):
        """A webhook has no login to test: the receiver checks each post's signature with the shared
        secret, which only a real post shows. What can be known without posting is asked: that the URL
        passes the address guard and that something answers there (``HEAD``, which changes nothing;
        any answer but a 5xx will do, since many receivers take only POST)."""
        account = context.account
        url, secret = account.setting("url").strip(), account.secret("signing_secret")
        if not url:
            return Outcome.rejected(_("the webhook account has no URL: set it on the Accounts page"))
        if not secret:
            return Outcome.unauthorized(
                _("the webhook account has no signing secret: reconnect it on the Accounts page")
            )
        response = context.http.request("HEAD", url, errors_as_answers=True)
        if response.status >= 500:
            return Outcome.retry(
                _("the webhook's receiver answered %(status)s: it may be down", status=response.status)
            )
        return connected(
            _(
                "the webhook's address answers (%(status)s to HEAD); a webhook has no login to "
                "test: the receiver checks the signature of each post",
                status=response.status,
            )
        )


def without_secret(outcome: Outcome, secret: str) -> Outcome:
    if secret and secret in outcome.message:
        return Outcome(
            outcome.status,
            outcome.message.replace(secret, "[secret]"),
            outcome.remote_id,
            outcome.url,
            outcome.retry_after,
        )
    return outcome


register(Webhook)
