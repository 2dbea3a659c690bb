"""YouTube: the metadata of an uploaded video (title, description, tags, publish time) per the Data API,
and the thumbnail to set (thumbnails.set) when the post carries an image.

Live delivery schedules a video already uploaded as private (YouTube Studio, or any uploader): the
post names it by its id (extra field ``video_id``), and ``videos.update`` (``PUT
{api}/youtube/v3/videos?part=snippet,status``) sets its title, description, tags and category, and
keeps it private with ``publishAt`` at the post's time, when YouTube itself makes it public: a post
may be handed over ahead of its time (``schedules_ahead``), and taken back when cancelled
(``withdraw``). A post delivered at or after its time (YouTube refuses a ``publishAt`` in the past)
makes the video public at once. Which video is changed, and the mark it carries, is
``youtube_videos``'s. The thumbnail is not sent yet. Access is OAuth 2.0: an expired access token is
renewed with the refresh token (``POST {oauth}/token``), kept through ``context.save_secrets``, and
the request is sent once more (``google_oauth``, which also reads how Google says a credential is
refused).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from channels import feeds
from channels import youtube_videos as videos
from channels.base import (
    ADDRESS,
    AccountField,
    Channel,
    DeliveryFailure,
    Draft,
    Length,
    Media,
    MissingField,
    Outcome,
    PostContent,
    Problem,
    as_utc,
    identity_marker,
)
from channels.credentials import connected, connection_check, refused, said
from channels.google_oauth import AUTHORISE_AGAIN, OAUTH_URL, Tokens, data_api_refusals
from channels.registry import register
from channels.shaping import images_of, media_extra, plain_text, sentences, shorten, youtube_thumbnail
from scheduler.domain.language import N_, _

TITLE_MAX, DESCRIPTION_MAX_BYTES, TAGS_MAX = 100, 5000, 500
PEOPLE_AND_BLOGS = "22"
ANGLE_BRACKETS = "<>"
VIDEO_ID = videos.VIDEO_ID
API_URL = "https://www.googleapis.com"


def tags_length(tags: list[str]) -> int:
    """YouTube counts each tag, plus 2 for the quotes around a tag with a space, plus the commas."""
    return sum(len(tag) + (2 if " " in tag else 0) for tag in tags) + max(len(tags) - 1, 0)


def description(post: PostContent) -> str:
    text = post.body.strip()
    if post.link and post.link not in text:
        text = f"{text}\n\n{post.link}".strip()
    return text


def publish_at(post: PostContent) -> str | None:
    """The Data API wants an explicit offset."""
    when = as_utc(post.scheduled_at)
    return when.isoformat() if when else None


def without_angle_brackets(text: str) -> str:
    return text.replace("<", "‹").replace(">", "›")


def fitting_tags(tags, limit: int = TAGS_MAX) -> list[str]:
    """As many of the tags, in order, as YouTube's 500-character budget takes."""
    kept = []
    for tag in tags:
        tag = without_angle_brackets(" ".join(str(tag).split()))
        if tag and tag not in kept and tags_length(kept + [tag]) <= limit:
            kept.append(tag)
    return kept


class YouTube(Channel):
    name = "youtube"
    label = "YouTube"
    limits = {"title": TITLE_MAX, "description_bytes": DESCRIPTION_MAX_BYTES, "tags_total": TAGS_MAX}
    extra_fields = {"tags": list, "category_id": str, "media": Media, "video_id": str}
    feed_content_type = "video"
    account_fields = (
        AccountField(
            "client_id", N_("OAuth client ID"), help=N_("of the Google Cloud project with the YouTube Data API")
        ),
        AccountField("client_secret", N_("OAuth client secret"), secret=True),
        AccountField(
            "refresh_token",
            N_("Refresh token"),
            secret=True,
            help=N_("granted for the https://www.googleapis.com/auth/youtube scope"),
        ),
        AccountField(
            "access_token",
            N_("Access token"),
            secret=True,
            required=False,
            help=N_("optional: renewed from the refresh token when it expires"),
        ),
        AccountField("api_url", N_("Data API address"), required=False, default=API_URL, kind=ADDRESS),
        AccountField("oauth_url", N_("OAuth token address"), required=False, default=OAUTH_URL, kind=ADDRESS),
    )

    def render(self, post):
        title = post.title.strip()
        if not title:
            raise MissingField("title", _("a video needs a title"))
        tags = [tag.strip() for tag in post.extra.get("tags") or [] if tag.strip()]
        text = description(post)
        payload = {
            "snippet": {
                "title": title,
                "description": text,
                "tags": tags,
                "categoryId": post.extra.get("category_id") or PEOPLE_AND_BLOGS,
            },
            "status": {"privacyStatus": "private", "publishAt": publish_at(post)},
        }
        video_id = str(post.extra.get("video_id") or "").strip()
        if video_id:
            payload = {"id": video_id, **payload}
        images = images_of(post.extra)
        if images:
            payload["thumbnail"] = {"url": images[0]["url"], "alt": images[0]["alt"]}
        return Draft(self.name, payload, f"{title}\n\n{text}")

    def check(self, post, draft):
        snippet = draft.payload["snippet"]
        problems = []
        if len(snippet["title"]) > TITLE_MAX:
            problems.append(
                Problem(
                    "title_too_long",
                    _(
                        "the title has %(count)s characters, %(n)s over YouTube's %(title_max)s",
                        count=len(snippet["title"]),
                        n=len(snippet["title"]) - TITLE_MAX,
                        title_max=TITLE_MAX,
                    ),
                    field="title",
                )
            )
        size = len(snippet["description"].encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            problems.append(
                Problem(
                    "description_too_long",
                    _(
                        "the description (text and link) is %(size)s bytes, %(n)s over YouTube's "
                        "%(description_max_bytes)s (accented letters take 2 bytes, Chinese characters 3)",
                        size=size,
                        n=size - DESCRIPTION_MAX_BYTES,
                        description_max_bytes=DESCRIPTION_MAX_BYTES,
                    ),
                    field="body",
                )
            )
        problems += self.angle_brackets(snippet)
        marked = videos.marked_tags(snippet["tags"], post.id)  # as delivered: with the post's mark
        total = tags_length(marked)
        if total > TAGS_MAX:
            if post.id:
                too_long = _(
                    "the tags take %(total)s characters (a tag with a space counts 2 more for its quotes, plus a "
                    "comma between tags, and Refrain adds %(mark)s to know the video again); YouTube allows "
                    "%(most)s",
                    total=total,
                    mark=identity_marker(post.id),
                    most=TAGS_MAX,
                )
            else:
                too_long = _(
                    "the tags take %(total)s characters (a tag with a space counts 2 more for its quotes, plus a "
                    "comma between tags); YouTube allows %(most)s",
                    total=total,
                    most=TAGS_MAX,
                )
            problems.append(
                Problem(
                    "tags_too_long",
                    too_long,
                    field="tags",
                )
            )
        if "id" in draft.payload and not VIDEO_ID.match(draft.payload["id"]):
            problems.append(
                Problem(
                    "invalid_video_id",
                    _(
                        "%(id)s is not a YouTube video id: 11 letters, digits, '-' or '_', as in "
                        "youtube.com/watch?v=<id>",
                        id=repr(draft.payload["id"]),
                    ),
                    field="video_id",
                )
            )
        return Length(size, DESCRIPTION_MAX_BYTES, "bytes"), problems

    def deliver_live(self, draft, post, context):
        """Schedules the uploaded private video named by id, in one videos.update (``youtube_videos``)."""
        video_id, refusal = videos.video_to_schedule(draft, post)
        if refusal:
            return Outcome.rejected(refusal)
        _length, problems = self.check(post, draft)
        refusals = [p.message for p in problems if p.severity == "error"]
        if refusals:
            return Outcome.rejected(
                _("YouTube would refuse this video's details: %(refusals)s", refusals="; ".join(refusals))
            )
        if not context.account.secret("refresh_token") and not context.account.secret("access_token"):
            return Outcome.unauthorized(_("the YouTube account has no OAuth tokens: reconnect it on the Accounts page"))
        return videos.schedule(DataApi(context), video_id, draft, post, context.moment())

    def schedules_ahead(self, account):
        """YouTube publishes a private video at its publishAt by itself."""
        return True

    def withdraw(self, post, context):
        """The video handed over ahead set back to private, unscheduled (``youtube_videos.withdraw``)."""
        if context.mode != "live":
            return Outcome.published(message=_("delivered to the outbox only: nothing was handed to YouTube"))
        if context.account is None:
            return Outcome.unauthorized(_("no YouTube account is connected: connect one on the Accounts page"))
        if not context.account.secret("refresh_token") and not context.account.secret("access_token"):
            return Outcome.unauthorized(_("the YouTube account has no OAuth tokens: reconnect it on the Accounts page"))
        try:
            return videos.withdraw(DataApi(context), post)
        except DeliveryFailure as failure:
            return failure.outcome

    @connection_check
    def check_connection(self, context):
        """The access token renewed with the refresh token (which proves the client ID, its secret and the
        refresh token), then GET /youtube/v3/channels?part=snippet&mine=true: the channel it speaks for."""
        account = context.account
        if not account.secret("refresh_token") and not account.secret("access_token"):
            return Outcome.unauthorized(_("the YouTube account has no OAuth tokens: reconnect it on the Accounts page"))
        tokens = Tokens(account, context)
        try:
            token = tokens.renew() if account.secret("refresh_token") else tokens.access()
            answer = context.http.request(
                "GET",
                f"{account.setting('api_url', API_URL).rstrip('/')}/youtube/v3/channels",
                params={"part": "snippet", "mine": "true"},
                headers={"Authorization": f"Bearer {token}"},
                classify=data_api_refusals,
            ).json()
        except DeliveryFailure as failure:
            return tokens.scrub(failure.outcome)
        items = answer.get("items") if isinstance(answer, dict) else None
        first = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None
        if first is None:
            return refused(
                "YouTube",
                N_("Google account"),
                N_("it has no YouTube channel"),
                _("create its channel, then %(then)s", then=_(AUTHORISE_AGAIN)),
            )
        snippet = first.get("snippet") if isinstance(first.get("snippet"), dict) else {}
        title = said(snippet.get("title")) or str(first.get("id") or "")
        return connected(
            _("connected to YouTube as the channel %(title)s", title=title),
            remote_id=str(first.get("id") or "") or None,
        )

    @staticmethod
    def angle_brackets(snippet: dict) -> list[Problem]:
        """YouTube refuses '<' and '>' anywhere in the metadata, and says only 'invalid' when it does."""
        problems = []
        texts = (
            ("title", N_("YouTube refuses '<' and '>' in the title; write 'less than' or use other brackets"),
             snippet["title"]),
            ("body", N_("YouTube refuses '<' and '>' in the description; write 'less than' or use other brackets"),
             snippet["description"]),
            ("tags", N_("YouTube refuses '<' and '>' in the tags; write 'less than' or use other brackets"),
             ",".join(snippet["tags"])),
        )  # fmt: skip
        for field_name, sentence, text in texts:
            position = next((i for i, ch in enumerate(text) if ch in ANGLE_BRACKETS), None)
            if position is not None:
                problems.append(
                    Problem(
                        "angle_brackets",
                        _(sentence),
                        field=field_name,
                        start=position,
                        end=position + 1,
                    )
                )
        return problems

    def adapt(self, source):
        """The source's headline as the title, its text as a plain description, its tags kept."""
        headline = source.title or next(iter(sentences(source.body)), "")
        title = shorten(without_angle_brackets(headline), lambda t: len(t) <= TITLE_MAX)
        text = without_angle_brackets(plain_text(source.body))
        budget = DESCRIPTION_MAX_BYTES - len(f"\n\n{source.link}".encode())
        if len(text.encode()) > budget:
            text = shorten(text, lambda t: len(t.encode()) <= budget)
        tags = source.extra.get("tags") if isinstance(source.extra.get("tags"), list) else []
        return PostContent(
            channel=self.name,
            title=title,
            body=text,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra={"tags": fitting_tags(tags, TAGS_MAX - videos.MARK_ROOM), **media_extra(images_of(source.extra)[:1])},
        )

    def read_feed_entry(self, entry):
        """A channel's feed (https://www.youtube.com/feeds/videos.xml?channel_id=…): the video id as
        remote id, its thumbnail, its views, and its likes (the feed's star rating count is the like
        count). The feed's media:content is a dead Flash player link, so it is not a medium."""
        video_id = feeds.text_of(entry.get("yt_videoid")).strip()
        title = " ".join(feeds.text_of(entry.get("title")).split())
        thumbnails = [t.get("url") for t in entry.get("media_thumbnail") or [] if isinstance(t, dict)]
        thumbnail = next((url for url in thumbnails if isinstance(url, str) and url.strip()), "")
        if not thumbnail and video_id:
            thumbnail = youtube_thumbnail(video_id)
        statistics = entry.get("media_statistics") if isinstance(entry.get("media_statistics"), dict) else {}
        rating = entry.get("media_starrating") if isinstance(entry.get("media_starrating"), dict) else {}
        return feeds.content_item(
            entry,
            "video",
            remote_id=video_id or feeds.remote_id(entry),
            media=[{"url": thumbnail, "type": "image", "alt": title}] if thumbnail else [],
            metrics=feeds.metrics(views=statistics.get("views"), likes=rating.get("count")),
        )


def out_of_quota(outcome: Outcome) -> bool:
    """YouTube answers an exhausted daily quota with 403 (quotaExceeded): a wait, not a lost authorization."""
    return outcome.status == "unauthorized" and "answered 403" in outcome.message and "quota" in outcome.message


def until_quota_resets(now: datetime) -> float:
    """Seconds to the next midnight in California, when the Data API's daily quota is reset."""
    pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    midnight = datetime.combine(pacific.date() + timedelta(days=1), datetime.min.time(), pacific.tzinfo)
    return max((midnight - pacific).total_seconds(), 60.0)


class DataApi:
    """The Data API's videos, as the account: each call with its access token, renewed once on a refusal;
    a spent daily quota is a wait until it returns; no token or secret in what a failure says."""

    def __init__(self, context):
        self.context, self.tokens = context, Tokens(context.account, context)
        self.address = f"{context.account.setting('api_url', API_URL).rstrip('/')}/youtube/v3/videos"

    def videos(self, method: str, params: dict, body: dict | None = None):
        try:
            try:
                return self.send(method, params, body, self.tokens.access())
            except DeliveryFailure as failure:
                if failure.outcome.status != "unauthorized" or self.tokens.renewed or out_of_quota(failure.outcome):
                    raise
                return self.send(method, params, body, self.tokens.renew())
        except DeliveryFailure as failure:
            outcome = failure.outcome
            if out_of_quota(outcome):
                outcome = Outcome.retry(
                    _("%(said)s (the daily quota returns at midnight Pacific time)", said=outcome.message),
                    retry_after=until_quota_resets(self.context.moment()),
                )
            raise DeliveryFailure(self.tokens.scrub(outcome)) from None

    def send(self, method, params, body, token):
        headers = {"Authorization": f"Bearer {token}"}
        return self.context.http.request(
            method, self.address, params=params, json=body, headers=headers, classify=data_api_refusals
        )


register(YouTube)
