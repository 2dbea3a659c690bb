"""Blog: a Markdown file with front matter, the shape static-site generators (Hugo, Jekyll) read.

Pictures live in the Markdown itself, as ![alt](url). A video is shown as its thumbnail linking to
the video ([![alt](thumbnail)](watch URL)) rather than an <iframe>: plain Markdown renders in every
generator, while raw HTML is dropped by Hugo's default renderer, and nothing loads from YouTube
until the reader chooses to watch.

Live delivery goes where the account's ``target`` says:
- folder: the Markdown file, written atomically into a Hugo or Jekyll site's content folder as
  ``<date>-<slug>.md``, its front matter naming the post (``refrain_id``) so a new slug or date replaces
  the old file instead of adding one; committed (never pushed) when the site is a git repository;
- wordpress: the REST API (``/wp-json/wp/v2/posts``) with an application password, the Markdown rendered
  as HTML, a post an earlier attempt created found by its slug and updated rather than duplicated;
- micropub: a form-encoded h-entry to the site's Micropub endpoint with a bearer token.
Front matter values are JSON, which YAML reads as the same values: no YAML library is needed to write it safely.
"""

import base64
import hashlib
import html
import json
import os
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urljoin

from channels import feeds
from channels.base import (
    WARNING,
    Account,
    AccountField,
    Channel,
    DeliveryContext,
    DeliveryFailure,
    Draft,
    Length,
    MissingField,
    Outcome,
    PostContent,
    Problem,
    as_utc,
    write_atomically,
)
from channels.registry import register
from channels.shaping import (
    ascii_slug,
    images_of,
    markdown_image,
    sentences,
    shorten,
    youtube_thumbnail,
    youtube_video_id,
)

SHORT_POST_WORDS, TITLE_MAX, SLUG_MAX, ADAPTED_TITLE_MAX = 50, 200, 80, 90
TARGETS = ("folder", "wordpress", "micropub")
CONTENT_DIR = "content/posts"
GIT_TIMEOUT = 30.0
GIT_AUTHOR = ("Refrain", "refrain@localhost")
OWNER_KEY = "refrain_id"  # the front-matter key that says which post a file belongs to
FRONT_MATTER_MAX = 256 * 1024  # bytes of a Markdown file's front matter read to find its owner
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
        matter = {
            "title": title,
            "date": when.isoformat() if when else None,
            "slug": slug,
            "tags": [" ".join(tag.split()) for tag in post.extra.get("tags") or [] if tag.strip()],
        }
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
            problems.append(
                Problem(
                    "title_too_long", f"the title has {len(title)} characters; keep it under {TITLE_MAX}", field="title"
                )
            )
        if not post.body.strip():
            problems.append(Problem("empty", "the post has no body", field="body"))
        elif words < SHORT_POST_WORDS:
            problems.append(
                Problem(
                    "short_post",
                    f"{words} words: a blog post usually needs at least {SHORT_POST_WORDS}",
                    severity=WARNING,
                    field="body",
                )
            )
        return Length(words, SHORT_POST_WORDS, "words (minimum)"), problems

    def adapt(self, source):
        """A post built around the source: its text as the lead, a link back to it, its tags kept."""
        first = sentences(source.body)
        title = shorten(source.title or (first[0] if first else ""), lambda t: len(t) <= ADAPTED_TITLE_MAX)
        body = illustrated(source.body.strip(), source.link, images_of(source.extra), title)
        if source.link and source.link not in body:
            body += f"\n\n[Read the original]({source.link})"
        tags = source.extra.get("tags") if isinstance(source.extra.get("tags"), list) else []
        return PostContent(
            channel=self.name,
            title=title,
            body=body,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra={"tags": list(tags)},
        )

    account_fields = (
        AccountField(
            "target",
            "Publish to",
            default="folder",
            help="folder (a Hugo or Jekyll site on this server), wordpress or micropub",
        ),
        AccountField(
            "folder",
            "Site folder",
            required=False,
            help="folder target: the site's root folder on the server running Refrain; committed when it "
            "is a git repository",
        ),
        AccountField(
            "content_dir",
            "Content folder",
            required=False,
            default=CONTENT_DIR,
            help="folder target: where posts go, inside the site folder",
        ),
        AccountField(
            "site_url",
            "Site address",
            required=False,
            help="the blog's public address (https://example.com): WordPress's address, or for a "
            "folder the address a post's slug is appended to (https://example.com/posts)",
        ),
        AccountField("user", "WordPress user", required=False),
        AccountField(
            "app_password",
            "WordPress application password",
            secret=True,
            required=False,
            help="Users → Profile → Application Passwords in WordPress",
        ),
        AccountField(
            "micropub_endpoint",
            "Micropub endpoint",
            required=False,
            help='micropub target: the endpoint your site announces (rel="micropub")',
        ),
        AccountField(
            "micropub_token",
            "Micropub token",
            secret=True,
            required=False,
            help="micropub target: an IndieAuth access token with the create scope",
        ),
    )

    def deliver_live(self, draft, post, context):
        """To the account's target: a static site's folder, WordPress, or a Micropub endpoint."""
        target = context.account.setting("target", "folder").strip().lower()
        if target not in DELIVERIES:
            return Outcome.rejected(f"the blog account's target is {target!r}: use one of {', '.join(TARGETS)}")
        return DELIVERIES[target](draft, post, context)

    def read_feed_entry(self, entry):
        """A blog's feed (WordPress RSS, say): the whole article (content:encoded) rather than the
        excerpt when the feed gives it, since adapting reads the text; the comment count as replies."""
        return feeds.content_item(
            entry,
            "article",
            summary=feeds.full_content(entry) or feeds.summary_of(entry),
            metrics=feeds.metrics(replies=entry.get("slash_comments")),
        )


# --- live delivery -------------------------------------------------------------------------------------


def markdown_body(draft: Draft) -> str:
    """The draft's Markdown without its front matter (render() writes JSON values, never a raw line break,
    so the first "\\n---\\n" ends the front matter)."""
    markdown = draft.payload["markdown"]
    if markdown.startswith("---\n"):
        markdown = markdown.split("\n---\n", 1)[1]
    return markdown.strip() + "\n"


def publication_time(post: PostContent) -> tuple[datetime, bool]:
    """When the post goes out (aware UTC, whole seconds; now when unscheduled) and whether that is still ahead."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    when = as_utc(post.scheduled_at)
    when = when.replace(microsecond=0) if when else now
    return when, when > now


def html_of(markdown: str) -> str:
    """CommonMark (plus tables and strikethrough) as HTML, for services that take HTML."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def missing_settings(account: Account, names: tuple[str, ...], target: str) -> Outcome | None:
    fields = {f.name: f for f in Blog.account_fields}
    missing = [name for name in names if not (account.secret(name) if fields[name].secret else account.setting(name))]
    if not missing:
        return None
    labels = ", ".join(f"{fields[name].label} ({name})" for name in missing)
    return Outcome.rejected(
        f"the blog account's target is {target} but it has no {labels}: set it on the Accounts page"
    )


# folder: a static site's content folder, committed when it is a git repository


def folder_front_matter(draft: Draft, post: PostContent, when: datetime, future: bool) -> dict:
    matter = draft.payload["front_matter"]
    values = {"title": matter["title"], "date": when.isoformat()}
    if future:
        values["publishDate"] = when.isoformat()
    values.update({"draft": False, "slug": matter["slug"], "tags": list(matter.get("tags") or [])})
    if matter.get("canonical_url"):
        values["canonical_url"] = matter["canonical_url"]
    values[OWNER_KEY] = post.id
    return values


def owner_of(path: Path):
    """The post id a Markdown file's front matter names, or None (a file Refrain did not write). Only the
    front matter is read, and at most FRONT_MATTER_MAX bytes of it."""
    try:
        with open(path, "rb") as handle:
            if handle.readline() != b"---\n":
                return None
            read = 0
            for raw in handle:
                read += len(raw)
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                if line == "---" or read > FRONT_MATTER_MAX:
                    return None
                key, _, value = line.partition(": ")
                if key == OWNER_KEY:
                    return json.loads(value)
    except (OSError, ValueError):
        return None
    return None


def inside_git_repository(folder: Path) -> bool:
    return any((parent / ".git").exists() for parent in (folder, *folder.parents))


def git(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    name, email = GIT_AUTHOR
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_TERMINAL_PROMPT": "0",
    }
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )


def commit(folder: Path, written: str, removed: list[str], title: str) -> str:
    """Stages and commits only the post's files (anything else the owner has staged is left alone).
    Returns "" when committed or when there was nothing new, else what went wrong."""

    def failed(step, result):
        return f"git {step} failed: {' '.join((result.stderr or result.stdout).split())[:300]}"

    added = git(folder, "add", "--", written)
    if added.returncode:
        return failed("add", added)
    if removed:
        dropped = git(folder, "rm", "--cached", "--ignore-unmatch", "-q", "--", *removed)
        if dropped.returncode:
            return failed("rm", dropped)
    changed = git(
        folder, "diff", "--cached", "--name-only", "--no-renames", "-z", "--relative", "--", written, *removed
    )
    if changed.returncode:
        return failed("diff", changed)
    paths = [path for path in changed.stdout.split("\0") if path]
    if not paths:
        return ""  # the same content again: nothing to commit
    committed = git(folder, "commit", "--no-verify", "-q", "-m", f"Refrain: publish {title}", "--", *paths)
    return failed("commit", committed) if committed.returncode else ""


def deliver_to_folder(draft: Draft, post: PostContent, account: Account) -> Outcome:
    if post.id is None:
        return Outcome.rejected("only a saved post (one with an id) can be delivered")
    missing = missing_settings(account, ("folder",), "folder")
    if missing:
        return missing
    site = Path(account.setting("folder")).expanduser()
    if not site.is_dir():
        return Outcome.rejected(f"the blog folder {site} does not exist: check the account's Site folder setting")
    subdir = account.setting("content_dir", CONTENT_DIR).strip("/") or "."
    content = (site / subdir).resolve()
    if not content.is_relative_to(site.resolve()):
        return Outcome.rejected(f"the content folder {subdir!r} is outside the site folder")
    when, future = publication_time(post)
    slug = draft.payload["slug"]
    target = content / f"{when.date().isoformat()}-{slug}.md"
    text = front_matter(folder_front_matter(draft, post, when, future)) + "\n" + markdown_body(draft)
    try:
        content.mkdir(parents=True, exist_ok=True)
        if target.exists() and owner_of(target) != post.id:
            return Outcome.rejected(f"{target.name} already holds another post: give this one another slug")
        older = [path for path in content.glob("*.md") if path != target and owner_of(path) == post.id]
        write_atomically(target, text.encode("utf-8"))
        for path in older:  # its slug or date changed: one file per post
            path.unlink(missing_ok=True)
    except OSError as error:
        return Outcome.retry(f"could not write to the blog folder: {error}")
    relative = target.resolve().relative_to(site.resolve()).as_posix()
    message = f"written to {relative}"
    if inside_git_repository(site.resolve()):
        removed = [path.resolve().relative_to(site.resolve()).as_posix() for path in older]
        try:
            trouble = commit(site, relative, removed, draft.payload["front_matter"]["title"])
        except FileNotFoundError:
            message += "; not committed: git is not installed"
        except subprocess.TimeoutExpired:
            return Outcome.retry(f"wrote {relative} but git took longer than {GIT_TIMEOUT:.0f} s to commit it")
        else:
            if trouble:  # written, not committed: delivering again rewrites the same file and commits it
                return Outcome.retry(f"wrote {relative} but could not commit it: {trouble}")
            message += " and committed"
    site_url = account.setting("site_url").rstrip("/")
    url = f"{site_url}/{slug}/" if site_url else target.as_uri()
    return Outcome.published(remote_id=relative, url=url, message=message)


# wordpress: the REST API with an application password


def deliver_to_wordpress(draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
    account = context.account
    missing = missing_settings(account, ("site_url", "user", "app_password"), "wordpress")
    if missing:
        return missing
    api = account.setting("site_url").rstrip("/") + "/wp-json/wp/v2"
    token = base64.b64encode(f"{account.setting('user')}:{account.secret('app_password')}".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    when, future = publication_time(post)
    matter = draft.payload["front_matter"]
    article = {
        "title": matter["title"],
        "content": html_of(markdown_body(draft)),
        "status": "future" if future else "publish",
        "date_gmt": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "slug": matter["slug"],
    }
    tags = matter.get("tags") or []
    if tags:
        article["tags"] = [wordpress_tag(context.http, api, headers, tag) for tag in tags]
    existing = wordpress_existing(context.http, api, headers, article)
    address = f"{api}/posts/{existing}" if existing else f"{api}/posts"
    answer = context.http.request("POST", address, json=article, headers=headers).json()
    if not isinstance(answer, dict) or not answer.get("id"):
        return Outcome.unconfirmed(f"WordPress accepted the post but its answer has no id: check {api}/posts")
    verb = "updated" if existing else "created"
    return Outcome.published(
        remote_id=str(answer["id"]),
        url=answer.get("link") or None,
        message=f"{verb} as {'scheduled' if future else 'published'} WordPress post {answer['id']}",
    )


def looked_up(http, url: str, **kwargs):
    """A read that only looks: a lost answer changed nothing, so it is worth a retry, never 'unconfirmed';
    an answer that is not JSON means the address is not WordPress's API."""
    try:
        response = http.request("GET", url, **kwargs)
    except DeliveryFailure as failure:
        if failure.outcome.status == "unconfirmed":
            raise DeliveryFailure(Outcome.retry(failure.outcome.message.split(";")[0])) from None
        raise
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DeliveryFailure(
            Outcome.rejected(f"{url} did not answer as the WordPress REST API does: check the account's Site address")
        ) from None


def wordpress_existing(http, api: str, headers: dict, article: dict):
    """The id of this very post if an earlier attempt created it (a lost answer, a retry): a post with the
    same slug and the same title or date. Another post that merely shares the slug is never overwritten
    (WordPress then gives the new one a slug of its own)."""
    found = looked_up(
        http,
        f"{api}/posts",
        headers=headers,
        params={"slug": article["slug"], "status": "future,publish,draft", "context": "edit"},
    )
    for item in found if isinstance(found, list) else []:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        title = item.get("title")
        title = title.get("raw", title.get("rendered")) if isinstance(title, dict) else title
        if title == article["title"] or str(item.get("date_gmt") or "")[:19] == article["date_gmt"]:
            return item["id"]
    return None


def wordpress_tag(http, api: str, headers: dict, name: str) -> int:
    """WordPress takes tags as term ids: an existing tag of that name, else a new one."""
    found = looked_up(http, f"{api}/tags", headers=headers, params={"search": name, "per_page": "100"})
    for item in found if isinstance(found, list) else []:
        if isinstance(item, dict) and html.unescape(str(item.get("name", ""))).casefold() == name.casefold():
            return item["id"]
    created = http.request("POST", f"{api}/tags", json={"name": name}, headers=headers).json()
    if not isinstance(created, dict) or "id" not in created:
        raise DeliveryFailure(Outcome.retry(f"WordPress did not say which id the tag {name!r} got"))
    return created["id"]


# micropub: any IndieWeb site (micro.blog, Known, WordPress with the Micropub plugin...)


def deliver_to_micropub(draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
    account = context.account
    missing = missing_settings(account, ("micropub_endpoint", "micropub_token"), "micropub")
    if missing:
        return missing
    endpoint = account.setting("micropub_endpoint")
    when, _ = publication_time(post)
    matter = draft.payload["front_matter"]
    fields = [("h", "entry"), ("name", matter["title"]), ("content", markdown_body(draft).strip())]
    fields += [("category[]", tag) for tag in matter.get("tags") or []]
    fields += [("published", when.isoformat()), ("mp-slug", matter["slug"])]
    headers = {"Authorization": f"Bearer {account.secret('micropub_token')}"}
    if context.idempotency_key:
        headers["Idempotency-Key"] = context.idempotency_key
    response = context.http.request(
        "POST",
        endpoint,
        body=urlencode(fields).encode("utf-8"),
        headers=headers,
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    location = response.header("location").strip()
    if response.status in (201, 202) and location:
        url = urljoin(endpoint, location)
        return Outcome.published(
            remote_id=url,
            url=url,
            message="accepted by the Micropub endpoint"
            + (" (202: it will appear once the server has processed it)" if response.status == 202 else ""),
        )
    return Outcome.unconfirmed(
        f"the Micropub endpoint answered {response.status} without the new post's address "
        "(Location): check the site, then mark it published or send it again"
    )


DELIVERIES = {
    "folder": lambda draft, post, context: deliver_to_folder(draft, post, context.account),
    "wordpress": deliver_to_wordpress,
    "micropub": deliver_to_micropub,
}


register(Blog)
