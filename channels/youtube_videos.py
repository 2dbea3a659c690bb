"""YouTube videos known by identity: the video a post schedules, the mark it carries, and taking it back.

Refrain does not upload videos: the owner uploads one as private (YouTube Studio, any uploader) and
names it on the post (``video_id``); a delivery sets its metadata and publish time with
``videos.update``, and the video's id is stored as the post's remote id. So:
- the video changed is always one named by id (the stored remote id, else the post's ``video_id``),
  never one found by its title; a post whose stored video and named video differ is refused rather
  than leave the first one scheduled with this post's details;
- each update puts the post's mark among the video's tags (``refrain-post-42``): tags are not shown to
  viewers, while a line in the description would be. A video carrying another post's mark is never
  changed, and only a video carrying this post's mark is taken back (``withdraw``);
- the update is the same whenever it is sent, so one whose answer was lost is simply sent again;
- the video is read first (``videos.list``, 1 unit of quota against the update's 50): a video already
  public is left public (its details updated), and the status settings the owner chose in Studio
  (licence, embedding, made for kids...) are sent back as they were, since ``videos.update`` clears
  every status field it is not given.

``api`` is the adapter's Data API client: ``api.videos(method, params, body=None)`` → the answer, as
the account, raising ``DeliveryFailure`` with the outcome a failure means.
"""

import re
from datetime import datetime, timedelta

from channels.base import DeliveryFailure, Draft, Outcome, PostContent, identity_marker
from scheduler.domain.language import _

VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
MARK_TAG = re.compile(r"refrain-post-[0-9]+", re.IGNORECASE)
MARK_ROOM = len(identity_marker(10**9)) + 1  # the tags' budget Refrain's own tag takes (with its comma)
PUBLISH_AT_MARGIN = timedelta(minutes=1)  # closer than this to now, publishAt could already be past on arrival
# the status fields an owner sets in Studio: sent back as they are, since an update clears the ones it lacks
KEPT_STATUS = ("license", "embeddable", "publicStatsViewable", "selfDeclaredMadeForKids", "containsSyntheticMedia")


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def stored_video(post: PostContent) -> str:
    """The video an earlier delivery stored as the post's remote id ("" when none, or not a video's id)."""
    stored = post.remote_id.strip()
    return stored if VIDEO_ID.match(stored) else ""


def video_to_schedule(draft: Draft, post: PostContent) -> tuple[str, str]:
    """(the video's id, "") or ("", why there is none to schedule)."""
    named, stored = str(draft.payload.get("id") or "").strip(), stored_video(post)
    if stored and named and stored != named:
        return "", (
            _(
                "this post was handed to YouTube as video %(stored)s but now names video "
                "%(named)s: Refrain changes only the video it was given; cancel the post to take "
                "%(stored)s back, or name %(stored)s again",
                stored=stored,
                named=named,
            )
        )
    if not (stored or named):
        return "", _("no video to schedule: upload the video as private, then give its id (video_id) on the post")
    return stored or named, ""


def marked_tags(tags: list[str], post_id: int | None) -> list[str]:
    """The post's tags, without any that looks like a Refrain mark, and the post's own mark last."""
    kept = [tag for tag in tags if not MARK_TAG.fullmatch(tag.strip())]
    return kept + ([identity_marker(post_id)] if post_id is not None else [])


def marks_of(video: dict) -> set[str]:
    snippet = video.get("snippet") if isinstance(video.get("snippet"), dict) else {}
    tags = snippet.get("tags") if isinstance(snippet.get("tags"), list) else []
    return {tag.strip().lower() for tag in tags if isinstance(tag, str) and MARK_TAG.fullmatch(tag.strip())}


def status_of(video: dict) -> dict:
    return video.get("status") if isinstance(video.get("status"), dict) else {}


def read(api, video_id: str) -> dict | None:
    """The video as the account sees it (snippet and status), or None when the channel has no such video.
    Reading changes nothing: a question without an answer is a retry."""
    try:
        answer = api.videos("GET", {"part": "snippet,status", "id": video_id}).json()
    except DeliveryFailure as failure:
        if failure.outcome.status != "unconfirmed":
            raise
        raise DeliveryFailure(
            Outcome.retry(
                _("YouTube did not answer when asked about video %(video_id)s; nothing was changed", video_id=video_id)
            )
        ) from None
    items = answer.get("items") if isinstance(answer, dict) else None
    return next(
        (item for item in items or [] if isinstance(item, dict) and item.get("id") == video_id),
        None,
    )


def send_again_if_lost(api, method: str, params: dict, body: dict):
    """An update is the same each time it is sent: one whose answer was lost is a retry, not unconfirmed."""
    try:
        return api.videos(method, params, body)
    except DeliveryFailure as failure:
        if failure.outcome.status != "unconfirmed":
            raise
        words = failure.outcome.message.split(";")[0]
        raise DeliveryFailure(
            Outcome.retry(_("%(words)s; the same update is sent again, which does no harm", words=words))
        ) from None


def video_update(video_id: str, draft: Draft, post_id: int | None, current: dict, now: datetime) -> dict:
    """The videos.update body: the snippet as drafted, with the post's mark among its tags; the status
    the owner chose kept, and then: left public when it already is, else private until publishAt while
    that is ahead, else public at once (YouTube refuses a publishAt in the past)."""
    snippet = draft.payload["snippet"]
    status = {key: current[key] for key in KEPT_STATUS if key in current}
    publish = draft.payload["status"].get("publishAt")
    if current.get("privacyStatus") == "public":
        status["privacyStatus"] = "public"
    elif publish and datetime.fromisoformat(publish) > now + PUBLISH_AT_MARGIN:
        status.update({"privacyStatus": "private", "publishAt": publish})
    else:
        status["privacyStatus"] = "public"
    return {
        "id": video_id,
        "snippet": {
            "title": snippet["title"],
            "description": snippet["description"],
            "tags": marked_tags(snippet["tags"], post_id),
            "categoryId": snippet["categoryId"],
        },
        "status": status,
    }


def schedule(api, video_id: str, draft: Draft, post: PostContent, now: datetime) -> Outcome:
    """The named video given the post's details and publish time, unless it carries another post's mark."""
    video = read(api, video_id)
    if video is None:
        return Outcome.rejected(
            _(
                "the connected channel has no video %(video_id)s (deleted, or another channel's): "
                "upload the video as private, then give its id (video_id) on the post",
                video_id=video_id,
            )
        )
    others = marks_of(video) - ({identity_marker(post.id)} if post.id is not None else set())
    if others:
        return Outcome.rejected(
            _(
                "video %(video_id)s is scheduled by Refrain for another post (%(join)s): it is "
                "left as it is; give this post a video of its own",
                video_id=video_id,
                join=", ".join(sorted(others)),
            )
        )
    update = video_update(video_id, draft, post.id, status_of(video), now)
    answer = send_again_if_lost(api, "PUT", {"part": "snippet,status"}, update).json()
    remote_id = str(answer.get("id") or video_id) if isinstance(answer, dict) else video_id
    when = update["status"].get("publishAt")
    if when:
        message = _("scheduled to go public at %(when)s", when=when)
    elif status_of(video).get("privacyStatus") == "public":
        message = _("its details updated (the video was already public)")
    else:
        message = "made public"
    return Outcome.published(remote_id, watch_url(remote_id), message=message)


def withdraw(api, post: PostContent) -> Outcome:
    """The video handed over for this post set back to private with no publish time (never deleted: the
    owner uploaded it); only a video carrying this post's mark, and never one already public."""
    video_id = stored_video(post) or str(post.extra.get("video_id") or "").strip()
    if not VIDEO_ID.match(video_id):
        return Outcome.published(message=_("no video was handed to YouTube for this post: nothing to take back"))
    video = read(api, video_id)
    if video is None:
        return Outcome.published(
            message=_("the channel no longer has video %(video_id)s: nothing is scheduled", video_id=video_id)
        )
    marker = identity_marker(post.id) if post.id is not None else ""
    if marker not in marks_of(video):
        return Outcome.rejected(
            _(
                "video %(video_id)s does not carry this post's mark (%(value)s): Refrain did not "
                "schedule it for this post and leaves it as it is; change it in YouTube Studio",
                video_id=video_id,
                value=marker or "none",
            )
        )
    status = status_of(video)
    if status.get("privacyStatus") == "public":
        return Outcome.rejected(
            _(
                "video %(video_id)s is already public: Refrain does not take a public video down; "
                "make it private in YouTube Studio if it must come down",
                video_id=video_id,
            )
        )
    if not status.get("publishAt"):
        return Outcome.published(
            video_id, watch_url(video_id), _("video %(video_id)s is not scheduled to go public", video_id=video_id)
        )
    kept = {key: status[key] for key in KEPT_STATUS if key in status}
    body = {"id": video_id, "status": {**kept, "privacyStatus": "private"}}
    send_again_if_lost(api, "PUT", {"part": "status"}, body)
    return Outcome.published(
        video_id, watch_url(video_id), _("video %(video_id)s is private again and not scheduled", video_id=video_id)
    )
