"""Mastodon: a status of 500 characters, counted the way Mastodon's own validator counts them.

Mastodon counts user-perceived characters (grapheme clusters), every http(s) link as 23 whatever
its length, a mention of someone on another server by its user name only ("@alice@example.social"
counts as "@alice"), and the content warning (spoiler_text) as part of the same 500.

Live delivery posts to the account's own instance (``deliver_live``): the instance's own character
limit is read first (many allow more than 500, some fewer), pictures are uploaded, then the status is
posted with an ``Idempotency-Key``, the same for every attempt at one post, so that a request sent
again after a lost answer never posts twice (Mastodon remembers a key for an hour).
"""

import re
import threading
import time
from urllib.parse import urlsplit

from channels import feeds
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
    media_count_problems,
)
from channels.credentials import answer_data, connected, connection_check, refused, said
from channels.http import multipart
from channels.registry import register
from channels.shaping import (
    GRAPHEME,
    attachments_for,
    before_publishing,
    fetch_image,
    file_name,
    grapheme_count,
    headline_from,
    links_in,
    media_extra,
    media_of,
    read_html,
    refuse_unsupported_media,
    short_post_text,
)
from scheduler.domain.language import N_, _

MAX_CHARACTERS, URL_WEIGHT, MEDIA_MAX = 500, 23, 4
VISIBILITIES = ("public", "unlisted", "private", "direct")
# Mastodon's Account::MENTION_RE: a user name, optionally followed by @ and the server
IMAGE_MAX_BYTES = 16 * 1024 * 1024  # Mastodon's default; the HTTP client caps what it fetches lower still
LIMIT_TTL = 600.0  # seconds an instance's character limit is trusted
MEDIA_WAITS = (0.5, 1.0, 2.0, 4.0)  # pauses while an instance processes an upload (202) before it can be attached
_limits: dict[str, tuple[float, int]] = {}  # instance address → (when read, max_characters)
_limits_lock = threading.Lock()
MENTION = re.compile(r"(?<![=/\w])@([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?:@[\w.-]+\w)?", re.IGNORECASE)


def weighted_pieces(text: str) -> list[tuple[int, int, int]]:
    """(start, end, weight) for each link and mention and for each grapheme between them."""
    special = [(m.start(), m.end(), URL_WEIGHT) for m in links_in(text)]
    special += [
        (m.start(), m.end(), 1 + grapheme_count(m.group(1)))
        for m in MENTION.finditer(text)
        if not any(start <= m.start() < end for start, end, _ in special)
    ]
    pieces, position = [], 0
    for start, end, weight in sorted(special):
        pieces += grapheme_pieces(text, position, start)
        pieces.append((start, end, weight))
        position = end
    return pieces + grapheme_pieces(text, position, len(text))


def grapheme_pieces(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    return [(start + m.start(), start + m.end(), 1) for m in GRAPHEME.finditer(text[start:end])]


def status_length(text: str) -> int:
    return sum(weight for _, _, weight in weighted_pieces(text))


def first_overflow(text: str, budget: int) -> int:
    """The index where the text goes past ``budget``."""
    total = 0
    for start, _end, weight in weighted_pieces(text):
        total += weight
        if total > budget:
            return start
    return len(text)


def status_text(post: PostContent) -> str:
    body = post.body.strip()
    return f"{body}\n\n{post.link}".strip() if post.link and post.link not in body else body


class Mastodon(Channel):
    name = "mastodon"
    label = "Mastodon"
    limits = {"characters": MAX_CHARACTERS, "url_length": URL_WEIGHT, "media": MEDIA_MAX}
    extra_fields = {"spoiler_text": str, "visibility": str, "media": Media}
    feed_content_type = "text"

    def render(self, post):
        text = status_text(post)
        spoiler = " ".join(str(post.extra.get("spoiler_text") or "").split())
        payload = {
            "status": text,
            "spoiler_text": spoiler,
            "visibility": post.extra.get("visibility") or "public",
            "media": media_of(post.extra),
        }
        preview = f"CW: {spoiler}\n\n{text}" if spoiler else text
        return Draft(self.name, payload, preview)

    def check(self, post, draft):
        payload, problems = draft.payload, []
        budget = MAX_CHARACTERS - grapheme_count(payload["spoiler_text"])
        used = status_length(payload["status"])
        if not post.body.strip() and not payload["media"]:
            problems.append(Problem("empty", _("write something: the post is empty"), field="body"))
        elif used > budget:
            problems.append(
                Problem(
                    "too_long",
                    _(
                        "%(n)s characters over Mastodon's %(max_characters)s (every link counts 23, and "
                        "the content warning counts too): shorten it",
                        n=used - budget,
                        max_characters=MAX_CHARACTERS,
                    ),
                    field="body",
                    start=first_overflow(payload["status"], budget),
                    end=len(payload["status"]),
                )
            )
        if payload["visibility"] not in VISIBILITIES:
            problems.append(
                Problem(
                    "invalid_visibility",
                    _("visibility must be one of %(join)s", join=", ".join(VISIBILITIES)),
                    field="visibility",
                )
            )
        problems += media_count_problems(payload["media"], MEDIA_MAX, self.label)
        total = used + MAX_CHARACTERS - budget
        return Length(total, MAX_CHARACTERS, "characters"), problems

    def adapt(self, source):
        """A status from the source: its headline, as much of its text as fits, its link, its pictures."""
        room = f"\n\n{source.link}" if source.link else ""
        text = short_post_text(
            source.title, source.body, source.link, lambda t: status_length(t + room) <= MAX_CHARACTERS
        )
        return PostContent(
            channel=self.name,
            body=text,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra=media_extra(attachments_for(source.extra, source.link, MEDIA_MAX)),
        )

    def read_feed_entry(self, entry):
        """A profile's RSS (https://instance/@user.rss): untitled items whose description is the post's
        HTML, and media:content attachments. feedparser keeps only the first media:description of an
        item, without saying which attachment it described, so alt text is kept for one attachment only."""
        html = feeds.summary_of(entry)
        text, anchors = read_html(html)
        media = feeds.media_of_entry(entry)
        descriptions = [c.get("value") for c in entry.get("content") or [] if c.get("type") == "text/plain"]
        if len(media) == 1 and len(descriptions) == 1:
            media[0]["alt"] = " ".join(feeds.text_of(descriptions[0]).split())
        links_out = any(is_outbound(anchor) for anchor in anchors)
        return feeds.content_item(
            entry,
            feeds.social_content_type(media, links_out),
            title=feeds.text_of(entry.get("title")).strip() or headline_from(text),
            summary=html,
            media=media,
        )

    account_fields = (
        AccountField(
            "instance", N_("Instance address"), help=N_("Your server, e.g. https://mastodon.social"), kind=ADDRESS
        ),
        AccountField(
            "access_token",
            N_("Access token"),
            secret=True,
            help=N_(
                "Preferences → Development → New application, with the write:statuses and "
                "write:media scopes: its access token."
            ),
        ),
    )

    def deliver_live(self, draft, post, context):
        """GET /api/v2/instance (its limit), POST /api/v2/media per picture, POST /api/v1/statuses."""
        payload = draft.payload
        instance = context.account.setting("instance").strip().rstrip("/")
        if not instance:
            return Outcome.unauthorized(_("the Mastodon account has no instance address: set it on the Accounts page"))
        if "://" not in instance:
            instance = "https://" + instance
        media = list(payload.get("media") or [])
        refuse_unsupported_media(media, self.label)
        auth = {"Authorization": f"Bearer {context.account.secret('access_token')}"}
        limit = instance_limit(context.http, instance)
        used = status_length(payload["status"]) + grapheme_count(payload.get("spoiler_text") or "")
        if used > limit:
            return Outcome.rejected(
                _(
                    "the post has %(used)s characters and %(hostname)s takes at most %(limit)s (every "
                    "link counts 23, and the content warning counts too): shorten it",
                    used=used,
                    hostname=urlsplit(instance).hostname,
                    limit=limit,
                )
            )
        media_ids = [upload(context.http, instance, auth, item) for item in media]
        body = {"status": payload["status"], "visibility": payload.get("visibility") or "public"}
        if payload.get("spoiler_text"):
            body["spoiler_text"] = payload["spoiler_text"]
        if media_ids:
            body["media_ids"] = media_ids
        headers = dict(auth)
        if context.idempotency_key:
            headers["Idempotency-Key"] = context.idempotency_key
        answer = context.http.request(
            "POST", instance + "/api/v1/statuses", json=body, headers=headers, classify=refusals_of(instance)
        ).json()
        status_id = str(answer.get("id") or "") if isinstance(answer, dict) else ""
        if not status_id:
            return Outcome.unconfirmed(
                _(
                    "%(hostname)s accepted the status but named no id: check the profile, then mark "
                    "it published or send it again",
                    hostname=urlsplit(instance).hostname,
                )
            )
        return Outcome.published(remote_id=status_id, url=answer.get("url") or answer.get("uri") or None)

    @connection_check
    def check_connection(self, context):
        """GET /api/v1/accounts/verify_credentials: the account the token speaks for. A token with only
        the write scopes Refrain asks for may not read the profile (403, "outside the authorized
        scopes"): then GET /api/v1/apps/verify_credentials, which any valid token may ask, proves the
        token and names its application (and, from Mastodon 4.3, its scopes)."""
        instance = instance_address(context.account)
        if not instance:
            return Outcome.unauthorized(_("the Mastodon account has no instance address: set it on the Accounts page"))
        token = context.account.secret("access_token")
        if not token:
            return Outcome.unauthorized(
                _("the Mastodon account has no access token: reconnect it on the Accounts page")
            )
        host, auth, classify = urlsplit(instance).hostname, {"Authorization": f"Bearer {token}"}, refusals_of(instance)
        try:
            me = context.http.request(
                "GET", instance + "/api/v1/accounts/verify_credentials", headers=auth, classify=classify
            ).json()
        except DeliveryFailure as failure:
            if "outside the authorized scopes" not in failure.outcome.message:
                raise
            app = context.http.request(
                "GET", instance + "/api/v1/apps/verify_credentials", headers=auth, classify=classify
            ).json()
            return application_check(host, app if isinstance(app, dict) else {})
        acct = me.get("acct") if isinstance(me, dict) else None
        if not acct:
            return Outcome.rejected(
                _(
                    "%(host)s answered without an account: is %(instance)s a Mastodon server?",
                    host=host,
                    instance=instance,
                )
            )
        return connected(
            _("connected to %(host)s as @%(acct)s", host=host, acct=acct), remote_id=str(me.get("id") or "") or None
        )


def instance_address(account) -> str:
    instance = account.setting("instance").strip().rstrip("/")
    return instance if not instance or "://" in instance else "https://" + instance


def application_check(host: str, app: dict) -> Outcome:
    """A token that cannot read the profile but is valid: fine if it may post (its scopes, when told)."""
    scopes = app.get("scopes") if isinstance(app.get("scopes"), list) else None
    name = said(app.get("name")) or _("an application")
    if scopes is not None and not {"write", "write:statuses"} & set(scopes):
        return refused(
            host,
            N_("access token"),
            _(
                "its application %(name)s has the scopes %(value)s",
                name=name,
                value=", ".join(map(str, scopes)) or _("none"),
            ),
            SCOPES_FIX,
        )
    return connected(
        _(
            "%(host)s accepted the access token of %(name)s (it may not read the profile, so no name is shown)",
            host=host,
            name=name,
        )
    )


SCOPES_FIX = N_(
    "make a token with the write:statuses and write:media scopes (Preferences → Development → New application), "
    "then reconnect the account on the Accounts page"
)


def refusals_of(instance: str):
    """How a Mastodon server says the token is refused: 401 (invalid, revoked, expired), 403 (a scope the
    token lacks; a login disabled, unconfirmed or pending approval), 422 "This method requires an
    authenticated user" (the application's own token, not a user's)."""
    host = urlsplit(instance).hostname or instance

    def classify(response) -> Outcome | None:
        data = answer_data(response)
        words = said(data.get("error") if isinstance(data, dict) else "")
        if response.status == 401:
            return refused(host, N_("access token"), words or "401", NEW_TOKEN_FIX)
        if response.status == 403 and "scope" in words:
            return refused(host, N_("access token"), words, SCOPES_FIX)
        if response.status == 403:
            return refused(
                host, N_("account"), words or "403", _("sign in on %(host)s to see why, then reconnect", host=host)
            )
        if response.status == 422 and "requires an authenticated user" in words:
            return refused(
                host,
                N_("access token"),
                words,
                _("it is an application's token, not a user's: %(then)s", then=_(SCOPES_FIX)),
            )
        return None

    return classify


NEW_TOKEN_FIX = N_(
    "make a new access token (Preferences → Development → your application) and reconnect the account on the "
    "Accounts page"
)


def forget_instance_limits() -> None:
    """Every instance's limit is asked again at its next delivery (an administrator changed one, or a
    test starts from nothing known)."""
    with _limits_lock:
        _limits.clear()


def instance_limit(http, instance: str) -> int:
    """The instance's own limit (configuration.statuses.max_characters), kept for LIMIT_TTL seconds;
    an instance too old for /api/v2/instance is asked /api/v1/instance, and one that tells neither
    is taken to allow Mastodon's 500."""
    with _limits_lock:
        known = _limits.get(instance)
    if known and time.monotonic() - known[0] < LIMIT_TTL:
        return known[1]
    limit = None
    for path in ("/api/v2/instance", "/api/v1/instance"):
        try:
            with before_publishing(
                _("reading the character limit of %(hostname)s", hostname=urlsplit(instance).hostname)
            ):
                info = http.request("GET", instance + path).json()
        except DeliveryFailure as failure:
            if failure.outcome.status == "rejected":
                continue  # not there: an older or another server
            raise
        limit = _max_characters(info)
        if limit:
            break
    limit = limit or MAX_CHARACTERS
    with _limits_lock:
        _limits[instance] = (time.monotonic(), limit)
    return limit


def _max_characters(info) -> int | None:
    if not isinstance(info, dict):
        return None
    configuration = info.get("configuration") if isinstance(info.get("configuration"), dict) else {}
    statuses = configuration.get("statuses") if isinstance(configuration.get("statuses"), dict) else {}
    for value in (statuses.get("max_characters"), info.get("max_toot_chars")):
        if isinstance(value, int) and value > 0:
            return value
    return None


def upload(http, instance: str, auth: dict, item: dict) -> str:
    """POST /api/v2/media (multipart: file, description = the alt text); the attachment's id. An
    instance still processing it (202) is asked again (GET /api/v1/media/:id) until it has a url."""
    data, kind = fetch_image(http, item, IMAGE_MAX_BYTES, "Mastodon")
    fields = {"description": item["alt"]} if item.get("alt") else {}
    body, content_type = multipart(fields, {"file": (file_name(item["url"], kind), data, kind)})
    with before_publishing(
        _("uploading the image %(url)s to %(hostname)s", url=item["url"], hostname=urlsplit(instance).hostname)
    ):
        response = http.request(
            "POST",
            instance + "/api/v2/media",
            body=body,
            content_type=content_type,
            headers=auth,
            classify=refusals_of(instance),
        )
        answer = response.json()
        media_id = str(answer.get("id") or "") if isinstance(answer, dict) else ""
        if not media_id:
            raise DeliveryFailure(
                Outcome.retry(_("uploading the image %(url)s gave no attachment id", url=item["url"]))
            )
        waits = list(MEDIA_WAITS)
        while response.status in (202, 206):
            if not waits:
                raise DeliveryFailure(Outcome.retry(_("the image %(url)s is still being processed", url=item["url"])))
            time.sleep(waits.pop(0))
            response = http.request(
                "GET", f"{instance}/api/v1/media/{media_id}", headers=auth, classify=refusals_of(instance)
            )
    return media_id


def is_outbound(anchor: dict) -> bool:
    """A link to elsewhere, not one of Mastodon's own mention or hashtag links."""
    return (
        bool(anchor["href"])
        and not ({"mention", "hashtag", "u-url"} & set(anchor["class"]))
        and "tag" not in anchor["rel"]
    )


register(Mastodon)
