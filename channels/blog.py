"""Blog: a Markdown file with front matter, the shape static-site generators (Hugo, Jekyll) read."""
import hashlib
import json
import re
import unicodedata

from .base import Channel, Draft, Length, MissingField, PostContent, Problem, WARNING
from .registry import register
from .shaping import sentences

SHORT_POST_WORDS, TITLE_MAX = 50, 200
WORD = re.compile(r"\w+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def slugify(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:80].strip("-")
    return slug or "post-" + hashlib.sha1(title.encode()).hexdigest()[:8]


def word_count(text: str) -> int:
    """Words of spaced scripts, plus each Chinese, Japanese or Korean character as a word of its own."""
    return len(CJK.findall(text)) + len(WORD.findall(CJK.sub(" ", text)))


def front_matter(values: dict) -> str:
    # JSON strings are valid YAML scalars: a title with ':' or quotes stays one safe value
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items() if value]
    return "---\n" + "\n".join(lines) + "\n---\n"


class Blog(Channel):
    name = "blog"
    label = "Blog"
    limits = {"title": TITLE_MAX, "short_post_words": SHORT_POST_WORDS}
    extra_fields = {"tags": list, "slug": str}

    def render(self, post):
        title = post.title.strip()
        if not title:
            raise MissingField("title", "a blog post needs a title")
        slug = slugify(post.extra.get("slug") or title)
        day = post.scheduled_at.date().isoformat() if post.scheduled_at else "undated"
        matter = {"title": title, "date": post.scheduled_at.isoformat() if post.scheduled_at else "",
                  "slug": slug, "tags": list(post.extra.get("tags", [])), "canonical_url": post.link}
        markdown = front_matter(matter) + "\n" + post.body.strip() + "\n"
        payload = {"slug": slug, "filename": f"{day}-{slug}.md", "front_matter": matter, "markdown": markdown}
        return Draft(self.name, payload, f"{title}\n\n{post.body.strip()}")

    def check(self, post, draft):
        problems = []
        words = word_count(post.body)
        if len(post.title) > TITLE_MAX:
            problems.append(Problem("title_too_long", f"keep the title under {TITLE_MAX} characters", field="title"))
        if not post.body.strip():
            problems.append(Problem("empty", "the post has no body", field="body"))
        elif words < SHORT_POST_WORDS:
            problems.append(Problem("short_post", f"{words} words: a blog post usually needs at least "
                                    f"{SHORT_POST_WORDS}", severity=WARNING, field="body"))
        return Length(words, SHORT_POST_WORDS, "words (minimum)"), problems

    def adapt(self, source):
        """A short post around the source: its text as the lead, a link back, room to write more."""
        title = source.title or (sentences(source.body) or [source.body])[0][:TITLE_MAX]
        body = source.body.strip()
        if source.link:
            body += f"\n\n[Read the original]({source.link})"
        return PostContent(channel=self.name, title=title, body=body, link=source.link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at, extra={"tags": []})


register(Blog)
