"""A blog post as Markdown: the slug, the word count, the front matter and the pictures on top.

Pictures live in the Markdown itself, as ![alt](url). A video is shown as its thumbnail linking to
the video ([![alt](thumbnail)](watch URL)) rather than an <iframe>: plain Markdown renders in every
generator, while raw HTML is dropped by Hugo's default renderer, and nothing loads from YouTube
until the reader chooses to watch.

Front matter values are JSON, which YAML reads as the same values: no YAML library is needed to write it safely.
"""

import hashlib
import json
import re

from channels.base import Draft, PostContent
from channels.sanitising import BLOG, render_html
from channels.sanitising_markdown import clean_markdown
from channels.shaping import ascii_slug, markdown_image, youtube_thumbnail, youtube_video_id

SLUG_MAX = 80
WORD = re.compile(r"\w+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# characters a JSON string may hold raw but a YAML double-quoted scalar may not (or reads as a line break)
NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def slugify(title: str) -> str:
    """The slug WordPress would make (``ascii_slug``), in ASCII only, so it is safe in a file name and a
    URL on any host, and at most SLUG_MAX long; a title with no letter to spell (digits, emoji) gets a
    short stable hash instead of an empty slug."""
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


def markdown_body(draft: Draft) -> str:
    """The draft's Markdown without its front matter (render() writes JSON values, never a raw line break,
    so the first "\\n---\\n" ends the front matter)."""
    markdown = draft.payload["markdown"]
    if markdown.startswith("---\n"):
        markdown = markdown.split("\n---\n", 1)[1]
    return markdown.strip() + "\n"


def html_of(markdown: str, trusted: bool = False) -> str:
    """CommonMark (plus tables and strikethrough) as HTML, for services that take HTML: cleaned to the
    blog's allow-list unless a manager marked the post as trusted HTML."""
    return render_html(markdown, BLOG, trusted)


def body_of(post: PostContent) -> str:
    """The post's Markdown as the blog gets it: its raw HTML cleaned to the blog's allow-list unless a
    manager marked the post as trusted HTML (every target, WordPress's HTML, a site's file, Micropub's
    content, starts from it)."""
    body = post.body.strip()
    return body if post.trusted_html else clean_markdown(body, BLOG)
