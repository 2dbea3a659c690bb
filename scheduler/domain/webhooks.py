"""Event webhooks, the pure part: which events there are, what each format's body says, the signature.

A team subscribes a URL to events (a post published, a commitment behind...); Refrain posts each one
there. Three shapes of body: ``json`` (the event as data, for a program), ``slack`` (a Slack-compatible
incoming webhook: ``text`` and ``blocks`` in mrkdwn) and ``mattermost`` (``text`` in Markdown). The chat
formats speak the sentence of ``text_of`` in whatever language is spoken while they are built (the
subscription's), so a team reads its chat in its language.

The signature is what the receiver checks with the secret it was shown:
``X-Refrain-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Refrain-Timestamp>.<raw body>")>``.
Everything here is plain functions over plain data (``hmac`` and ``hashlib`` are the standard library).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from scheduler.domain.language import N_, _
from scheduler.domain.statuses import FAILED, IN_REVIEW, PUBLISHED, UNCONFIRMED

POST_PUBLISHED = "post.published"
POST_FAILED = "post.failed"
POST_UNCONFIRMED = "post.unconfirmed"
POST_WAITING_APPROVAL = "post.waiting_approval"
COMMITMENT_BEHIND = "commitment.behind"
KPI_ALERT = "kpi.alert"
PATTERN_FLAGGED = "pattern.flagged"
PING = "ping"  # the "send a test" button's: sent to one subscription, whatever its events

EVENTS = (
    POST_PUBLISHED,
    POST_FAILED,
    POST_UNCONFIRMED,
    POST_WAITING_APPROVAL,
    COMMITMENT_BEHIND,
    KPI_ALERT,
    PATTERN_FLAGGED,
)
EVENT_LABELS = {
    POST_PUBLISHED: N_("a post is published"),
    POST_FAILED: N_("a post failed"),
    POST_UNCONFIRMED: N_("a post's delivery is unconfirmed"),
    POST_WAITING_APPROVAL: N_("a post waits for approval"),
    COMMITMENT_BEHIND: N_("a commitment falls behind"),
    KPI_ALERT: N_("an indicator's alert turns on"),
    PATTERN_FLAGGED: N_("an interaction pattern is flagged"),
}

JSON, SLACK, MATTERMOST = "json", "slack", "mattermost"
FORMATS = (JSON, SLACK, MATTERMOST)
FORMAT_LABELS = {
    JSON: N_("JSON, signed (for a program)"),
    SLACK: N_("Slack-compatible incoming webhook"),
    MATTERMOST: N_("Mattermost incoming webhook"),
}

# the post statuses that are events, when a post moves into them
POST_EVENTS = {
    PUBLISHED: POST_PUBLISHED,
    FAILED: POST_FAILED,
    UNCONFIRMED: POST_UNCONFIRMED,
    IN_REVIEW: POST_WAITING_APPROVAL,
}
NOT_NEWS_FROM = frozenset({"cancelled"})  # undoing a cancel puts a post back where it was: nothing new happened

# retried: no answer at all, a timeout, a server's trouble, "slow down"; any other answer is final
RETRIED_STATUSES = frozenset({408, 429})
EXCERPT = 300  # characters of an answer's body kept in the delivery log


def post_event(from_status: str, to_status: str) -> str | None:
    """The event a post's move is, if any (a post put back after an undone cancel is none)."""
    if from_status == to_status or from_status in NOT_NEWS_FROM:
        return None
    return POST_EVENTS.get(to_status)


def is_retried(status: int) -> bool:
    """Whether an answer with this HTTP status is worth trying again (5xx, 408, 429)."""
    return status >= 500 or status in RETRIED_STATUSES


def is_delivered(status: int) -> bool:
    return 200 <= status < 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 keyed with the secret over ``"<timestamp>." + body``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does (and the tests): recompute and compare in constant time."""
    return hmac.compare_digest(signature(secret, int(timestamp), body), header)


def headers(secret: str, timestamp: int, body: bytes, event: str, delivery_id: str) -> dict[str, str]:
    return {
        "X-Refrain-Timestamp": str(timestamp),
        "X-Refrain-Signature": signature(secret, timestamp, body),
        "X-Refrain-Event": event,
        "X-Refrain-Delivery": delivery_id,
    }


def body(fmt: str, event: str, delivery_id: str, at: datetime, data: dict) -> bytes:
    """The request's body in the subscription's format (chat text in the language spoken now)."""
    if fmt == SLACK:
        document = {
            "text": text_of(event, data, link=_slack_link),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text_of(event, data, link=_slack_link)}}],
        }
    elif fmt == MATTERMOST:
        document = {"text": text_of(event, data, link=_markdown_link)}
    else:
        document = {"event": event, "id": delivery_id, "at": at.isoformat(), "data": data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn takes &, < and > as markup: escaped as its documentation says."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(url: str, title: str) -> str:
    title = _slack_escape(title).replace("|", "¦")
    return f"<{url}|{title}>" if url else title


def _markdown_link(url: str, title: str) -> str:
    title = str(title).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{title}]({url})" if url else title


def _plain(text: str, link) -> str:
    """A value shown in a chat line (a channel, a reason): escaped as the title of a link without its link."""
    return link("", text)


def text_of(event: str, data: dict, link=_markdown_link) -> str:
    """One readable line about the event, with a link to where to look."""
    title = data.get("title") or _("post %(id)s", id=data.get("post_id", ""))
    url = data.get("url", "")
    values = {"channel": _plain(data.get("channel", ""), link), "plan": _plain(data.get("plan_name", ""), link)}
    if event == POST_PUBLISHED:
        return _("Published on %(channel)s: %(post)s", post=link(url, title), **values)
    if event == POST_FAILED:
        return _(
            "Delivery failed on %(channel)s: %(post)s (%(reason)s)",
            post=link(url, title),
            reason=_plain(data.get("reason", ""), link),
            **values,
        )
    if event == POST_UNCONFIRMED:
        return _(
            "Delivery unconfirmed on %(channel)s, check whether it went out: %(post)s", post=link(url, title), **values
        )
    if event == POST_WAITING_APPROVAL:
        return _("Waiting for approval on %(channel)s: %(post)s", post=link(url, title), **values)
    if event == COMMITMENT_BEHIND:
        return _(
            "%(plan)s is behind on %(channel)s: %(posts)s of %(committed)s posts "
            "from %(first)s to %(last)s (%(report)s)",
            posts=data.get("posts", 0),
            committed=data.get("committed", 0),
            first=data.get("first_day", ""),
            last=data.get("last_day", ""),
            report=link(url, _("the report")),
            **values,
        )
    if event == KPI_ALERT:
        return _(
            "%(kpi)s missed its target two months running in %(plan)s (%(dashboard)s)",
            kpi=_plain(data.get("kpi", ""), link),
            dashboard=link(url, _("the indicators")),
            **values,
        )
    if event == PATTERN_FLAGGED:
        return _(
            "A pattern on %(channel)s: %(negative)s of %(count)s “%(kind)s” interactions were negative (%(pattern)s)",
            negative=data.get("negative", 0),
            count=data.get("count", 0),
            kind=_plain(data.get("kind", ""), link),
            pattern=link(url, _("the pattern")),
            **values,
        )
    return _("A test from Refrain: this webhook is reached.")
