"""YouTube: the metadata of an uploaded video (title, description, tags, publish time) per the Data API."""
from .base import Channel, Draft, Length, MissingField, PostContent, Problem
from .registry import register
from .shaping import shorten

TITLE_MAX, DESCRIPTION_MAX_BYTES, TAGS_MAX = 100, 5000, 500


def tags_length(tags: list[str]) -> int:
    """YouTube counts each tag, plus 2 for the quotes around a tag with a space, plus the commas."""
    return sum(len(tag) + (2 if " " in tag else 0) for tag in tags) + max(len(tags) - 1, 0)


def description(post: PostContent) -> str:
    text = post.body.strip()
    if post.link and post.link not in text:
        text = f"{text}\n\n{post.link}".strip()
    return text


class YouTube(Channel):
    name = "youtube"
    label = "YouTube"
    limits = {"title": TITLE_MAX, "description_bytes": DESCRIPTION_MAX_BYTES, "tags_total": TAGS_MAX}
    extra_fields = {"tags": list, "category_id": str}

    def render(self, post):
        if not post.title.strip():
            raise MissingField("title", "a video needs a title")
        tags = [tag.strip() for tag in post.extra.get("tags", []) if tag.strip()]
        publish_at = post.scheduled_at.isoformat() if post.scheduled_at else None
        payload = {
            "snippet": {"title": post.title.strip(), "description": description(post), "tags": tags,
                        "categoryId": post.extra.get("category_id") or "22"},
            "status": {"privacyStatus": "private", "publishAt": publish_at},
        }
        return Draft(self.name, payload, f"{post.title.strip()}\n\n{description(post)}")

    def check(self, post, draft):
        snippet = draft.payload["snippet"]
        problems = []
        if len(snippet["title"]) > TITLE_MAX:
            problems.append(Problem("title_too_long", f"the title has {len(snippet['title'])} characters; "
                                    f"YouTube allows {TITLE_MAX}", field="title"))
        size = len(snippet["description"].encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            problems.append(Problem("description_too_long", f"the description is {size} bytes; YouTube allows "
                                    f"{DESCRIPTION_MAX_BYTES} (accented letters take 2, Chinese 3)", field="body"))
        for field_name, text in (("title", snippet["title"]), ("body", snippet["description"])):
            position = next((i for i, ch in enumerate(text) if ch in "<>"), None)
            if position is not None:
                problems.append(Problem("angle_brackets", f"YouTube refuses '<' and '>' in the {field_name}; "
                                        "write 'less than' or use other brackets", field=field_name,
                                        start=position, end=position + 1))
        total = tags_length(snippet["tags"])
        if total > TAGS_MAX:
            problems.append(Problem("tags_too_long", f"the tags take {total} characters; YouTube allows {TAGS_MAX}",
                                    field="tags"))
        return Length(size, DESCRIPTION_MAX_BYTES, "bytes"), problems

    def adapt(self, source):
        title = shorten(source.title or source.body, lambda t: len(t) <= TITLE_MAX)
        body = source.body.replace("<", "‹").replace(">", "›")
        body = shorten(body, lambda t: len(t.encode()) <= DESCRIPTION_MAX_BYTES - 300)
        return PostContent(channel=self.name, title=title, body=body, link=source.link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at, extra={"tags": []})


register(YouTube)
