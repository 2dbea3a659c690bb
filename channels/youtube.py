"""YouTube: the metadata of an uploaded video (title, description, tags, publish time) per the Data API,
and the thumbnail to set (thumbnails.set) when the post carries an image."""
from . import feeds
from .base import Channel, Draft, Length, Media, MissingField, PostContent, Problem, as_utc
from .registry import register
from .shaping import images_of, media_extra, plain_text, sentences, shorten, youtube_thumbnail

TITLE_MAX, DESCRIPTION_MAX_BYTES, TAGS_MAX = 100, 5000, 500
PEOPLE_AND_BLOGS = "22"
ANGLE_BRACKETS = "<>"


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
    extra_fields = {"tags": list, "category_id": str, "media": Media}
    feed_content_type = "video"

    def render(self, post):
        title = post.title.strip()
        if not title:
            raise MissingField("title", "a video needs a title")
        tags = [tag.strip() for tag in post.extra.get("tags") or [] if tag.strip()]
        text = description(post)
        payload = {
            "snippet": {"title": title, "description": text, "tags": tags,
                        "categoryId": post.extra.get("category_id") or PEOPLE_AND_BLOGS},
            "status": {"privacyStatus": "private", "publishAt": publish_at(post)},
        }
        images = images_of(post.extra)
        if images:
            payload["thumbnail"] = {"url": images[0]["url"], "alt": images[0]["alt"]}
        return Draft(self.name, payload, f"{title}\n\n{text}")

    def check(self, post, draft):
        snippet = draft.payload["snippet"]
        problems = []
        if len(snippet["title"]) > TITLE_MAX:
            problems.append(Problem("title_too_long", f"the title has {len(snippet['title'])} characters, "
                                    f"{len(snippet['title']) - TITLE_MAX} over YouTube's {TITLE_MAX}", field="title"))
        size = len(snippet["description"].encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            problems.append(Problem("description_too_long", f"the description (text and link) is {size} bytes, "
                                    f"{size - DESCRIPTION_MAX_BYTES} over YouTube's {DESCRIPTION_MAX_BYTES} "
                                    "(accented letters take 2 bytes, Chinese characters 3)", field="body"))
        problems += self.angle_brackets(snippet)
        total = tags_length(snippet["tags"])
        if total > TAGS_MAX:
            problems.append(Problem("tags_too_long", f"the tags take {total} characters (a tag with a space counts "
                                    f"2 more for its quotes, plus a comma between tags); YouTube allows {TAGS_MAX}",
                                    field="tags"))
        return Length(size, DESCRIPTION_MAX_BYTES, "bytes"), problems

    @staticmethod
    def angle_brackets(snippet: dict) -> list[Problem]:
        """YouTube refuses '<' and '>' anywhere in the metadata, and says only 'invalid' when it does."""
        problems = []
        texts = (("title", "title", snippet["title"]), ("body", "description", snippet["description"]),
                 ("tags", "tags", ",".join(snippet["tags"])))
        for field_name, shown_as, text in texts:
            position = next((i for i, ch in enumerate(text) if ch in ANGLE_BRACKETS), None)
            if position is not None:
                problems.append(Problem("angle_brackets", f"YouTube refuses '<' and '>' in the {shown_as}; "
                                        "write 'less than' or use other brackets", field=field_name,
                                        start=position, end=position + 1))
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
        return PostContent(channel=self.name, title=title, body=text, link=source.link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at,
                           extra={"tags": fitting_tags(tags), **media_extra(images_of(source.extra)[:1])})

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
            entry, "video", remote_id=video_id or feeds.remote_id(entry),
            media=[{"url": thumbnail, "type": "image", "alt": title}] if thumbnail else [],
            metrics=feeds.metrics(views=statistics.get("views"), likes=rating.get("count")))


register(YouTube)
