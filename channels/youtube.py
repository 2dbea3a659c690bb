"""YouTube: the metadata of an uploaded video (title, description, tags, publish time) per the Data API,
and the thumbnail to set (thumbnails.set) when the post carries an image.

Live delivery schedules a video already uploaded as private (YouTube Studio, or any uploader): the
post names it by its id (extra field ``video_id``), and ``videos.update`` (``PUT
{api}/youtube/v3/videos?part=snippet,status``) sets its title, description, tags and category, and
keeps it private with ``publishAt`` at the post's time, when YouTube itself makes it public. A post
delivered at or after its time (YouTube refuses a ``publishAt`` in the past) makes the video public
at once. The thumbnail is not sent yet. Access is OAuth 2.0: an expired access token is renewed
with the refresh token (``POST {oauth}/token``), kept through ``context.save_secrets``, and the
update is sent once more (``google_oauth``, which also reads how Google says a credential is refused).
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from channels import feeds
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
)
from channels.credentials import connected, connection_check, refused, said
from channels.google_oauth import AUTHORISE_AGAIN, OAUTH_URL, Tokens, data_api_refusals
from channels.registry import register
from channels.shaping import images_of, media_extra, plain_text, sentences, shorten, youtube_thumbnail

TITLE_MAX, DESCRIPTION_MAX_BYTES, TAGS_MAX = 100, 5000, 500
PEOPLE_AND_BLOGS = "22"
ANGLE_BRACKETS = "<>"
VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
API_URL = "https://www.googleapis.com"
PUBLISH_AT_MARGIN = timedelta(minutes=1)  # closer than this to now, publishAt could already be past on arrival


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
        AccountField("client_id", "OAuth client ID", help="of the Google Cloud project with the YouTube Data API"),
        AccountField("client_secret", "OAuth client secret", secret=True),
        AccountField(
            "refresh_token",
            "Refresh token",
            secret=True,
            help="granted for the https://www.googleapis.com/auth/youtube scope",
        ),
        AccountField(
            "access_token",
            "Access token",
            secret=True,
            required=False,
            help="optional: renewed from the refresh token when it expires",
        ),
        AccountField("api_url", "Data API address", required=False, default=API_URL, kind=ADDRESS),
        AccountField("oauth_url", "OAuth token address", required=False, default=OAUTH_URL, kind=ADDRESS),
    )

    def render(self, post):
        title = post.title.strip()
        if not title:
            raise MissingField("title", "a video needs a title")
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
                    f"the title has {len(snippet['title'])} characters, "
                    f"{len(snippet['title']) - TITLE_MAX} over YouTube's {TITLE_MAX}",
                    field="title",
                )
            )
        size = len(snippet["description"].encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            problems.append(
                Problem(
                    "description_too_long",
                    f"the description (text and link) is {size} bytes, "
                    f"{size - DESCRIPTION_MAX_BYTES} over YouTube's {DESCRIPTION_MAX_BYTES} "
                    "(accented letters take 2 bytes, Chinese characters 3)",
                    field="body",
                )
            )
        problems += self.angle_brackets(snippet)
        total = tags_length(snippet["tags"])
        if total > TAGS_MAX:
            problems.append(
                Problem(
                    "tags_too_long",
                    f"the tags take {total} characters (a tag with a space counts "
                    f"2 more for its quotes, plus a comma between tags); YouTube allows {TAGS_MAX}",
                    field="tags",
                )
            )
        if "id" in draft.payload and not VIDEO_ID.match(draft.payload["id"]):
            problems.append(
                Problem(
                    "invalid_video_id",
                    f"{draft.payload['id']!r} is not a YouTube video id: 11 "
                    "letters, digits, '-' or '_', as in youtube.com/watch?v=<id>",
                    field="video_id",
                )
            )
        return Length(size, DESCRIPTION_MAX_BYTES, "bytes"), problems

    def deliver_live(self, draft, post, context):
        """Schedules the uploaded private video: its metadata and publish time, in one videos.update."""
        video_id = str(draft.payload.get("id") or "")
        if not video_id:
            return Outcome.rejected(
                "no video to schedule: upload the video as private, then give its id (video_id) on the post"
            )
        _, problems = self.check(post, draft)
        refusals = [p.message for p in problems if p.severity == "error"]
        if refusals:
            return Outcome.rejected("YouTube would refuse this video's details: " + "; ".join(refusals))
        account = context.account
        if not account.secret("refresh_token") and not account.secret("access_token"):
            return Outcome.unauthorized("the YouTube account has no OAuth tokens: reconnect it on the Accounts page")
        tokens = Tokens(account, context)
        update = video_update(video_id, draft, context.moment())
        address = f"{account.setting('api_url', API_URL).rstrip('/')}/youtube/v3/videos"
        try:
            try:
                response = self.put(context, address, update, tokens.access())
            except DeliveryFailure as failure:
                if failure.outcome.status != "unauthorized" or tokens.renewed or out_of_quota(failure.outcome):
                    raise
                response = self.put(context, address, update, tokens.renew())
            answer = response.json()
        except DeliveryFailure as failure:
            outcome = failure.outcome
            if out_of_quota(outcome):
                outcome = Outcome.retry(
                    f"{outcome.message} (the daily quota returns at midnight Pacific time)",
                    retry_after=until_quota_resets(context.moment()),
                )
            raise DeliveryFailure(tokens.scrub(outcome)) from None
        remote_id = str(answer.get("id") or video_id) if isinstance(answer, dict) else video_id
        when = update["status"].get("publishAt")
        return Outcome.published(
            remote_id,
            f"https://www.youtube.com/watch?v={remote_id}",
            message=f"scheduled to go public at {when}" if when else "made public",
        )

    @connection_check
    def check_connection(self, context):
        """The access token renewed with the refresh token (which proves the client ID, its secret and the
        refresh token), then GET /youtube/v3/channels?part=snippet&mine=true: the channel it speaks for."""
        account = context.account
        if not account.secret("refresh_token") and not account.secret("access_token"):
            return Outcome.unauthorized("the YouTube account has no OAuth tokens: reconnect it on the Accounts page")
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
                "YouTube", "Google account", "it has no YouTube channel", "create its channel, then " + AUTHORISE_AGAIN
            )
        snippet = first.get("snippet") if isinstance(first.get("snippet"), dict) else {}
        title = said(snippet.get("title")) or str(first.get("id") or "")
        return connected(f"connected to YouTube as the channel {title}", remote_id=str(first.get("id") or "") or None)

    @staticmethod
    def put(context, address, update, token):
        return context.http.request(
            "PUT",
            address,
            params={"part": "snippet,status"},
            json=update,
            headers={"Authorization": f"Bearer {token}"},
            classify=data_api_refusals,
        )

    @staticmethod
    def angle_brackets(snippet: dict) -> list[Problem]:
        """YouTube refuses '<' and '>' anywhere in the metadata, and says only 'invalid' when it does."""
        problems = []
        texts = (
            ("title", "title", snippet["title"]),
            ("body", "description", snippet["description"]),
            ("tags", "tags", ",".join(snippet["tags"])),
        )
        for field_name, shown_as, text in texts:
            position = next((i for i, ch in enumerate(text) if ch in ANGLE_BRACKETS), None)
            if position is not None:
                problems.append(
                    Problem(
                        "angle_brackets",
                        f"YouTube refuses '<' and '>' in the {shown_as}; write 'less than' or use other brackets",
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
            extra={"tags": fitting_tags(tags), **media_extra(images_of(source.extra)[:1])},
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


def video_update(video_id: str, draft: Draft, now: datetime) -> dict:
    """The videos.update body: the snippet as drafted; private until publishAt while that is ahead,
    public at once when the post's time has come (YouTube refuses a publishAt in the past)."""
    snippet = draft.payload["snippet"]
    publish = draft.payload["status"].get("publishAt")
    status = {"privacyStatus": "private", "publishAt": publish}
    if not publish or datetime.fromisoformat(publish) <= now + PUBLISH_AT_MARGIN:
        status = {"privacyStatus": "public"}
    return {
        "id": video_id,
        "snippet": {key: snippet[key] for key in ("title", "description", "tags", "categoryId")},
        "status": status,
    }


def out_of_quota(outcome: Outcome) -> bool:
    """YouTube answers an exhausted daily quota with 403 (quotaExceeded): a wait, not a lost authorization."""
    return outcome.status == "unauthorized" and "answered 403" in outcome.message and "quota" in outcome.message


def until_quota_resets(now: datetime) -> float:
    """Seconds to the next midnight in California, when the Data API's daily quota is reset."""
    pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    midnight = datetime.combine(pacific.date() + timedelta(days=1), datetime.min.time(), pacific.tzinfo)
    return max((midnight - pacific).total_seconds(), 60.0)


register(YouTube)
