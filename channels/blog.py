"""Blog: a Markdown file with front matter, the shape static-site generators (Hugo, Jekyll) read.

Pictures live in the Markdown itself, as ![alt](url). A video is shown as its thumbnail linking to
the video ([![alt](thumbnail)](watch URL)) rather than an <iframe>: plain Markdown renders in every
generator, while raw HTML is dropped by Hugo's default renderer, and nothing loads from YouTube
until the reader chooses to watch.
"""
import hashlib
import json
import re

from . import feeds
from .base import Channel, Draft, Length, MissingField, PostContent, Problem, WARNING, as_utc
from .registry import register
from .shaping import (ascii_slug, images_of, markdown_image, sentences, shorten, youtube_thumbnail,
                      youtube_video_id)

SHORT_POST_WORDS, TITLE_MAX, SLUG_MAX, ADAPTED_TITLE_MAX = 50, 200, 80, 90
WORD = re.compile(r"\w+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# characters a JSON string may hold raw but a YAML double-quoted scalar may not (or reads as a line break)
NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def slugify(title: str) -> str:
    """ASCII letters and digits only, so the slug is safe in a file name and a URL on any host;
    a title with no Latin letters (Chinese, say) gets a short stable hash instead of an empty slug."""
    slug = ascii_slug(title)[:SLUG_MAX].strip("-")
    if re.search(r"[a-z]", slug):
        return slug
    return "post-" + hashlib.sha1(title.strip().encode()).hexdigest()[:8]


def word_count(text: str) -> int:
    """Words of spaced scripts, plus each Chinese, Japanese or Korean character as a word of its own."""
    return len(CJK.findall(text)) + len(WORD.findall(CJK.sub(" ", text)))


def yaml_value(value) -> str:
    """A JSON value is valid YAML: a title with ':' or quotes stays one safe scalar."""
    encoded = json.dumps(value, ensure_ascii=False)
    return NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", encoded)


def video_block(video_id: str, title: str, thumbnail: dict | None) -> str:
    """The video's thumbnail, linking to the video."""
    url = thumbnail["url"] if thumbnail else youtube_thumbnail(video_id)
    alt = (thumbnail or {}).get("alt") or title
    picture = markdown_image(url, f"{alt} (video)" if alt else "Video")
    return f"[{picture}](https://www.youtube.com/watch?v={video_id})"


def illustrated(body: str, link: str, images: list[dict], title: str) -> str:
    """The source's text with its visual on top: a video's linked thumbnail, or its pictures."""
    video_id = youtube_video_id(link)
    if video_id:
        top = [video_block(video_id, title, images[0] if images else None)]
    else:
        top = [markdown_image(image["url"], image["alt"]) for image in images]
    return "\n\n".join(top + [body]).strip()


def front_matter(values: dict) -> str:
    lines = [f"{key}: {yaml_value(value)}" for key, value in values.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


class Blog(Channel):
    name = "blog"
    label = "Blog"
    limits = {"title": TITLE_MAX, "short_post_words": SHORT_POST_WORDS, "slug": SLUG_MAX}
    extra_fields = {"tags": list, "slug": str}
    feed_content_type = "article"

    def render(self, post):
        title = " ".join(post.title.split())
        if not title:
            raise MissingField("title", "a blog post needs a title")
        slug = slugify(post.extra.get("slug") or title)
        when = as_utc(post.scheduled_at)
        matter = {"title": title, "date": when.isoformat() if when else None, "slug": slug,
                  "tags": [" ".join(tag.split()) for tag in post.extra.get("tags") or [] if tag.strip()]}
        if post.link:
            matter["canonical_url"] = post.link
        markdown = front_matter(matter) + "\n" + post.body.strip() + "\n"
        day = when.date().isoformat() if when else "undated"
        payload = {"slug": slug, "filename": f"{day}-{slug}.md", "front_matter": matter, "markdown": markdown}
        return Draft(self.name, payload, f"{title}\n\n{post.body.strip()}")

    def check(self, post, draft):
        problems = []
        words = word_count(post.body)
        title = draft.payload["front_matter"]["title"]
        if len(title) > TITLE_MAX:
            problems.append(Problem("title_too_long", f"the title has {len(title)} characters; keep it under "
                                    f"{TITLE_MAX}", field="title"))
        if not post.body.strip():
            problems.append(Problem("empty", "the post has no body", field="body"))
        elif words < SHORT_POST_WORDS:
            problems.append(Problem("short_post", f"{words} words: a blog post usually needs at least "
                                    f"{SHORT_POST_WORDS}", severity=WARNING, field="body"))
        return Length(words, SHORT_POST_WORDS, "words (minimum)"), problems

    def adapt(self, source):
        """A post built around the source: its text as the lead, a link back to it, its tags kept."""
        first = sentences(source.body)
        title = shorten(source.title or (first[0] if first else ""), lambda t: len(t) <= ADAPTED_TITLE_MAX)
        body = illustrated(source.body.strip(), source.link, images_of(source.extra), title)
        if source.link and source.link not in body:
            body += f"\n\n[Read the original]({source.link})"
        tags = source.extra.get("tags") if isinstance(source.extra.get("tags"), list) else []
        return PostContent(channel=self.name, title=title, body=body, link=source.link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at, extra={"tags": list(tags)})

    def read_feed_entry(self, entry):
        """A blog's feed (WordPress RSS, say): the whole article (content:encoded) rather than the
        excerpt when the feed gives it, since adapting reads the text; the comment count as replies."""
        return feeds.content_item(entry, "article", summary=feeds.full_content(entry) or feeds.summary_of(entry),
                                  metrics=feeds.metrics(replies=entry.get("slash_comments")))


register(Blog)
