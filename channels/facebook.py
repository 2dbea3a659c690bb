"""Facebook: a post on a Page, through the Graph API, with its Page access token.

A post is a message (up to 63,206 characters) with an optional link, sent as form fields to
``POST {graph}/{version}/{page_id}/feed``; a post that carries a picture goes to
``POST {graph}/{version}/{page_id}/photos`` instead, with the picture's ``url`` and the text (and
link) as its ``caption``. One picture per post: several need unpublished uploads joined by
``attached_media``, which this adapter does not do.

The Graph API answers most failures with 400 and says what it means in its error object
(``{"error": {"message", "type", "code", "is_transient"}}``): code 190 is an expired or revoked token
even though the status is 400. So the adapter takes every answer from the HTTP client and reads the
code itself; an answer without an error object gets the client's usual verdict by its status.
"""

import json
import re

from channels.base import (
    ADDRESS,
    WARNING,
    AccountField,
    Channel,
    DeliveryFailure,
    Draft,
    Length,
    Media,
    Outcome,
    PostContent,
    Problem,
    media_count_problems,
)
from channels.credentials import connected, connection_check, refused
from channels.http import outcome_for
from channels.registry import register
from channels.shaping import attachments_for, images_of, media_extra, media_of, plain_text, shorten
from scheduler.domain.language import N_, _
from scheduler.domain.links import is_web_address

MAX_CHARACTERS, MEDIA_MAX = 63206, 1
GRAPH_URL, GRAPH_VERSION = "https://graph.facebook.com", "v21.0"
# https://developers.facebook.com/docs/graph-api/guides/error-handling
UNAUTHORIZED_CODES = {190, 102, 10} | set(range(200, 300))
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001}
TRANSIENT_CODES = {1, 2}
RATE_LIMIT_PAUSE = 300.0  # Graph's limits are a rolling hour; its answer rarely says when they lift
CODE_IN_MESSAGE = re.compile(r"\(#(\d+)\)")
NEW_TOKEN = N_("make a new long-lived Page access token and reconnect the Page on the Accounts page")
# code 190's subcodes: why Graph refused the token (https://developers.facebook.com/docs/graph-api/guides/error-handling)
TOKEN_SUBCODES = {
    458: N_("the app was removed from the account that made the token"),
    459: N_("the account that made the token must log in to Facebook to pass a checkpoint"),
    460: N_("the password of the account that made the token changed"),
    463: N_("the token has expired"),
    464: N_("the account that made the token is not confirmed"),
    467: N_("the token is not valid"),
    492: N_("the account that made the token is no longer an admin of the Page"),
}
PERMISSIONS_FIX = N_(
    "the token needs the pages_manage_posts and pages_read_engagement permissions, from an admin of the Page: "
    "make a new long-lived Page access token and reconnect the Page on the Accounts page"
)


def message_text(post: PostContent, with_link: bool) -> str:
    """The text; a photo's caption carries the link too, since a photo post has no link field."""
    text = post.body.strip()
    if with_link and post.link and post.link not in text:
        text = f"{text}\n\n{post.link}".strip()
    return text


class Facebook(Channel):
    name = "facebook"
    label = N_("Facebook Page")
    limits = {"characters": MAX_CHARACTERS, "media": MEDIA_MAX}
    extra_fields = {"media": Media}
    feed_content_type = "text"
    account_fields = (
        AccountField("page_id", N_("Page ID"), help=N_("the number in the Page's About section (Page transparency)")),
        AccountField(
            "page_access_token",
            N_("Page access token"),
            secret=True,
            help=N_("a long-lived Page token with pages_manage_posts and pages_read_engagement"),
        ),
        AccountField("graph_url", N_("Graph API address"), required=False, default=GRAPH_URL, kind=ADDRESS),
        AccountField("graph_version", N_("Graph API version"), required=False, default=GRAPH_VERSION),
    )

    def render(self, post):
        images = images_of(post.extra)
        link = post.link.strip()
        if images:
            payload = {"caption": message_text(post, with_link=True), "url": images[0]["url"]}
            preview = payload["caption"]
        else:
            payload = {"message": post.body.strip()}
            if link:
                payload["link"] = link
            preview = message_text(post, with_link=True)
        return Draft(self.name, payload, preview)

    def check(self, post, draft):
        payload, problems = draft.payload, []
        text = payload.get("caption", payload.get("message", ""))
        if not text and not payload.get("link") and not payload.get("url"):
            problems.append(Problem("empty", _("write something: the post is empty"), field="body"))
        elif len(text) > MAX_CHARACTERS:
            problems.append(
                Problem(
                    "too_long",
                    _(
                        "%(n)s characters over Facebook's %(max_characters)s: shorten it",
                        n=len(text) - MAX_CHARACTERS,
                        max_characters=MAX_CHARACTERS,
                    ),
                    field="body",
                    start=MAX_CHARACTERS,
                    end=len(text),
                )
            )
        if post.link.strip() and not is_web_address(post.link.strip()):
            problems.append(Problem("bad_link", _("the link must be an http:// or https:// address"), field="link"))
        media = media_of(post.extra)
        images = [item for item in media if item["type"] == "image"]
        problems += media_count_problems(images, MEDIA_MAX, self.label)
        if len(images) < len(media):
            problems.append(
                Problem(
                    "media_not_sent",
                    _("only a picture goes with a Facebook post here; the other attachments are left out"),
                    severity=WARNING,
                    field="media",
                )
            )
        return Length(len(text), MAX_CHARACTERS, "characters"), problems

    def adapt(self, source):
        """The source's headline, then its text as plain paragraphs, its link, and its first picture."""
        text = plain_text(source.body)
        if source.link:
            text = text.replace(source.link, "").strip()
        title = " ".join(source.title.split())
        if title and not text.startswith(title):
            text = f"{title}\n\n{text}".strip()
        if len(text) > MAX_CHARACTERS:
            text = shorten(text, lambda t: len(t) <= MAX_CHARACTERS - len(source.link) - 2)
        pictures = [item for item in attachments_for(source.extra, source.link) if item["type"] == "image"]
        return PostContent(
            channel=self.name,
            body=text,
            title=source.title,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra=media_extra(pictures[:MEDIA_MAX]),
        )

    def deliver_live(self, draft, post, context):
        account = context.account
        page, token = account.setting("page_id").strip(), account.secret("page_access_token")
        if not page or not token:
            return Outcome.unauthorized(
                _("the Facebook account needs its Page ID and Page access token: reconnect it on the Accounts page")
            )
        base = account.setting("graph_url", GRAPH_URL).rstrip("/")
        version = account.setting("graph_version", GRAPH_VERSION).strip("/")
        edge = "photos" if "url" in draft.payload else "feed"
        fields = {**draft.payload, "access_token": token}
        response = context.http.request("POST", f"{base}/{version}/{page}/{edge}", form=fields, errors_as_answers=True)
        answer = _json_or_none(response)
        error = answer.get("error") if isinstance(answer, dict) else None
        verdict = outcome_for(response)
        if error is not None:
            outcome = graph_outcome(error, response.headers)
            if outcome.status == "rejected" and verdict is not None:
                outcome = verdict  # a code Graph did not explain: its HTTP status says more (429, 5xx)
            return without_secret(pause_if_limited(outcome, context), token)
        if verdict is not None:
            return without_secret(verdict, token)
        if answer is None:
            return Outcome.unconfirmed(
                _("Facebook answered without JSON; check the Page, then mark it published or send it again")
            )
        remote_id = str(answer.get("post_id") or answer.get("id") or "") if isinstance(answer, dict) else ""
        if not remote_id:
            return Outcome.unconfirmed(
                _("Facebook accepted the post but gave no id; check the Page, then mark it published or send it again")
            )
        return Outcome.published(remote_id, f"https://www.facebook.com/{remote_id}")

    @connection_check
    def check_connection(self, context):
        """GET /me with the Page access token: a Page's token speaks for the Page itself, so /me is the
        Page (id and name); a person's token answers with the person, which cannot post as the Page."""
        account = context.account
        page, token = account.setting("page_id").strip(), account.secret("page_access_token")
        if not page or not token:
            return Outcome.unauthorized(
                _("the Facebook account needs its Page ID and Page access token: reconnect it on the Accounts page")
            )
        base = account.setting("graph_url", GRAPH_URL).rstrip("/")
        version = account.setting("graph_version", GRAPH_VERSION).strip("/")
        response = context.http.request(
            "GET",
            f"{base}/{version}/me",
            params={"fields": "id,name"},
            headers={"Authorization": f"Bearer {token}"},
            errors_as_answers=True,
        )
        answer = _json_or_none(response)
        error = answer.get("error") if isinstance(answer, dict) else None
        if error is not None:
            outcome = graph_outcome(error, response.headers, refusing=N_("the check"))
            verdict = outcome_for(response)
            return verdict if outcome.status == "rejected" and verdict is not None else outcome
        if outcome_for(response) is not None:
            return outcome_for(response)
        me = answer if isinstance(answer, dict) else {}
        if str(me.get("id") or "") != page:
            return refused(
                "Facebook",
                N_("Page access token"),
                _(
                    "it speaks for %(name)s (%(id)s), not the Page %(page)s",
                    name=me.get("name") or _("someone"),
                    id=me.get("id") or _("no id"),
                    page=page,
                ),
                N_(
                    "give the Page's own access token (from /me/accounts of an admin of the Page), or check the Page ID"
                ),
            )
        return connected(
            _("connected to the Facebook Page %(name)s (%(page)s)", name=me.get("name") or page, page=page),
            remote_id=page,
        )


def _json_or_none(response):
    try:
        return response.json()
    except DeliveryFailure:
        return None


def graph_outcome(error, headers, refusing: str = N_("the post")) -> Outcome:
    """What a Graph error object means, by its code."""
    error = error if isinstance(error, dict) else {"message": str(error)}
    try:
        code = int(error.get("code"))
    except (TypeError, ValueError):
        code = None
    message = " ".join(str(error.get("message") or _("no message")).split())[:500]
    said = _("Facebook refused %(what)s (code %(code)s): %(said)s", what=_(refusing), code=code, said=message)
    if code in UNAUTHORIZED_CODES:
        return token_refused(code, error, message)
    if code in RATE_LIMIT_CODES:
        return Outcome.retry(
            _("%(said)s; the Page rests until the limit lifts", said=said), retry_after=regain_in(headers)
        )
    if code in TRANSIENT_CODES or error.get("is_transient"):
        return Outcome.retry(said)
    return Outcome.rejected(said)


def token_refused(code: int, error: dict, message: str) -> Outcome:
    """A refused Page access token, saying why when Graph's subcode tells (expired, password changed...)."""
    try:
        subcode = int(error.get("error_subcode"))
    except (TypeError, ValueError):
        subcode = None
    why = TOKEN_SUBCODES.get(subcode)
    what = _("code %(code)s: %(said)s", code="/".join(str(n) for n in (code, subcode) if n), said=message)
    if why:
        return refused("Facebook", N_("Page access token"), "; ".join((_(why), what)), NEW_TOKEN)
    if code == 10 or 200 <= code < 300:
        return refused("Facebook", N_("Page access token"), what, PERMISSIONS_FIX)
    return refused("Facebook", N_("Page access token"), what, NEW_TOKEN)


def pause_if_limited(outcome: Outcome, context) -> Outcome:
    """A rate limit rests the whole account, as a 429 would (the HTTP client does that for a 429)."""
    if outcome.status == "retry" and outcome.retry_after and getattr(context.http, "on_pause", None):
        context.http.on_pause(outcome.retry_after)
    return outcome


def regain_in(headers) -> float:
    """Seconds until Graph lets the Page post again: x-business-use-case-usage gives minutes."""
    try:
        usage = json.loads((headers or {}).get("x-business-use-case-usage") or "{}")
        minutes = [entry.get("estimated_time_to_regain_access") or 0 for entries in usage.values() for entry in entries]
        longest = max(float(m) for m in minutes) if minutes else 0
    except (ValueError, TypeError, AttributeError):
        longest = 0
    return longest * 60 if longest > 0 else RATE_LIMIT_PAUSE


def without_secret(outcome: Outcome, secret: str) -> Outcome:
    """Some services echo what they were sent: never let a token reach an outcome (the UI shows them)."""
    if secret and secret in outcome.message:
        return Outcome(
            outcome.status,
            outcome.message.replace(secret, "[token]"),
            outcome.remote_id,
            outcome.url,
            outcome.retry_after,
        )
    return outcome


register(Facebook)
