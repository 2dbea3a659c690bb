"""The WordPress target: the REST API (found from the Site address, ``wordpress_api``) with an
application password, the Markdown rendered as HTML.

Identity, never resemblance: every post Refrain delivers ends with an HTML comment naming Refrain's
post (``<!-- refrain-post-42 -->``; WordPress keeps comments even for users who may not post raw
HTML). An update goes to the post's stored WordPress id, and only if that post still carries the
mark; without a stored id (an answer that never came, "send again") the post is looked up by the mark
alone. A WordPress post without Refrain's mark is never changed, whatever its title or slug.
"""

import html
from collections.abc import Callable
from functools import wraps

from channels.base import DeliveryContext, DeliveryFailure, Draft, Outcome, PostContent, identity_marker
from channels.blog.rendering import html_of, markdown_body
from channels.blog.targets import missing_settings, publication_time
from channels.blog.wordpress_api import WordPressApi, connect
from scheduler.domain.language import N_, _

SETTINGS = ("site_url", "user", "app_password")
# every status a post Refrain wrote may be in, except the trash (a trashed post is not brought back)
HELD = "future,publish,draft,pending,private"


def mark(marker: str) -> str:
    return f"<!-- {marker} -->"


def guarded(action: Callable[..., Outcome]) -> Callable[..., Outcome]:
    """An outcome, never a raise: what ``Channel.deliver`` does for deliveries, for the other calls."""

    @wraps(action)
    def run(*args) -> Outcome:
        try:
            return action(*args)
        except DeliveryFailure as failure:
            return failure.outcome

    return run


@guarded
def deliver_to_wordpress(draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
    missing = missing_settings(context.account, SETTINGS, "wordpress")
    if missing:
        return missing
    if post.id is None:
        return Outcome.rejected(_("only a saved post (one with an id) can be delivered"))
    api = connect(context.account, context.http)
    marker = identity_marker(post.id)
    when, future = publication_time(post, context)
    matter = draft.payload["front_matter"]
    content = html_of(markdown_body(draft), trusted=post.trusted_html)
    article = {
        # WordPress shows a title as HTML: a title is text, so "<" and "&" are sent as what they mean
        "title": matter["title"] if post.trusted_html else html.escape(matter["title"], quote=False),
        "content": content.rstrip("\n") + f"\n{mark(marker)}\n",
        "status": "future" if future else "publish",
        "date_gmt": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "slug": matter["slug"],
    }
    existing, gone = ours_on_wordpress(api, post, marker)
    tags = matter.get("tags") or []
    if tags:
        article["tags"] = tag_ids(api, tags)
    answer = api.write("POST", f"wp/v2/posts/{existing['id']}" if existing else "wp/v2/posts", article)
    if not isinstance(answer, dict) or not answer.get("id"):
        return Outcome.unconfirmed(
            _(
                "WordPress accepted the post but its answer has no id: check %(url)s, then mark "
                "it published or send it again",
                url=api.url("wp/v2/posts"),
            )
        )
    sentence = {
        (True, True): N_("updated as scheduled WordPress post %(id)s"),
        (True, False): N_("updated as published WordPress post %(id)s"),
        (False, True): N_("created as scheduled WordPress post %(id)s"),
        (False, False): N_("created as published WordPress post %(id)s"),
    }[(bool(existing), bool(future))]
    message = _(sentence, id=answer["id"])
    if gone:
        message = _("%(done)s (%(gone)s, so a new one was made)", done=message, gone=gone)
    return Outcome.published(remote_id=str(answer["id"]), url=permalink(answer), message=message)


def tag_ids(api: WordPressApi, names: list[str]) -> list[int]:
    """WordPress takes tags as term ids: an existing tag of each name, else a new one."""
    ids = []
    for name in names:
        found = api.read("wp/v2/tags", {"search": name, "per_page": "100"})
        same = [
            item["id"]
            for item in (found if isinstance(found, list) else [])
            if isinstance(item, dict) and html.unescape(str(item.get("name", ""))).casefold() == name.casefold()
        ]
        if not same:
            created = api.write("POST", "wp/v2/tags", {"name": name})
            if not isinstance(created, dict) or "id" not in created:
                raise DeliveryFailure(
                    Outcome.retry(_("WordPress did not say which id the tag %(name)s got", name=repr(name)))
                )
            same = [created["id"]]
        ids.append(same[0])
    return ids


def ours_on_wordpress(api: WordPressApi, post: PostContent, marker: str) -> tuple[dict | None, str]:
    """The WordPress post that is this Refrain post (None when there is none), and why the stored one
    no longer counts ("" when it does, or there was none): the stored id when it still carries the
    mark, else the one found by the mark. A stored id whose post lacks the mark is refused outright."""
    gone = ""
    remote = post.remote_id.strip()
    if remote.isdigit():
        response = api.ask(f"wp/v2/posts/{remote}", {"context": "edit"})
        if response.status in (404, 410):
            gone = _("the WordPress post %(remote)s it was delivered as has been deleted", remote=remote)
        elif response.status == 403:
            raise DeliveryFailure(
                Outcome.rejected(
                    _(
                        "the WordPress post %(remote)s it was delivered as belongs to another WordPress "
                        "user than %(user)s: connect the account as that user, or delete that post to "
                        "have a new one made",
                        remote=remote,
                        user=repr(api.user),
                    )
                )
            )
        else:
            api.judge(response)
            item = api.parsed(response)
            if not isinstance(item, dict):
                item = {}
            if item.get("status") == "trash":
                gone = _("the WordPress post %(remote)s it was delivered as is in the trash", remote=remote)
            elif carries(item, marker):
                return item, ""
            else:
                raise DeliveryFailure(
                    Outcome.rejected(
                        _(
                            "the WordPress post %(remote)s no longer carries Refrain's mark %(mark)s, so "
                            "Refrain will not overwrite it: put the mark back at the end of its content, or "
                            "delete it to have a new one made",
                            remote=remote,
                            mark=mark(marker),
                        )
                    )
                )
    return by_marker(api, marker), gone


def by_marker(api: WordPressApi, marker: str) -> dict | None:
    """The (first) post carrying exactly this mark: WordPress's search matches ``refrain-post-12`` for
    ``refrain-post-1`` too, so the whole comment is checked in the raw content."""
    found = api.read(
        "wp/v2/posts",
        {"search": marker, "status": HELD, "context": "edit", "per_page": "100", "orderby": "id", "order": "asc"},
    )
    for item in found if isinstance(found, list) else []:
        if isinstance(item, dict) and item.get("id") and carries(item, marker):
            return item
    return None


def carries(item: dict, marker: str) -> bool:
    content = item.get("content")
    raw = content.get("raw") if isinstance(content, dict) else None
    return isinstance(raw, str) and mark(marker) in raw


def permalink(answer: dict) -> str | None:
    """Where readers will find the post: its link once published; for a scheduled one WordPress's
    ``link`` is the ``?p=5`` preview, so the permalink is built from ``permalink_template`` and the
    slug (the template is that same ``?p=5`` on a site without pretty permalinks)."""
    link = answer.get("link") or None
    template = answer.get("permalink_template")
    slug = answer.get("slug") or answer.get("generated_slug")
    if answer.get("status") == "publish" or not isinstance(template, str) or not slug:
        return link
    for placeholder in ("%postname%", "%pagename%"):
        if placeholder in template:
            return template.replace(placeholder, str(slug))
    return link


@guarded
def check_wordpress_connection(context: DeliveryContext) -> Outcome:
    """The user the application password opens, asked of WordPress (``users/me``), and whether it may
    write and publish posts."""
    missing = missing_settings(context.account, SETTINGS, "wordpress")
    if missing:
        return missing
    api = connect(context.account, context.http)
    me = api.read("wp/v2/users/me", {"context": "edit"})
    me = me if isinstance(me, dict) else {}
    name = str(me.get("name") or me.get("username") or context.account.setting("user"))
    rights = me.get("capabilities") if isinstance(me.get("capabilities"), dict) else {}
    if not rights.get("edit_posts"):
        return Outcome.rejected(
            _("connected as %(name)s, a WordPress user who cannot write posts: give it the Author role", name=name)
        )
    if not rights.get("publish_posts"):
        return Outcome.rejected(
            _(
                "connected as %(name)s, a WordPress user who can write posts but not publish "
                "them: give it the Author role",
                name=name,
            )
        )
    return Outcome.published(message=_("connected as %(name)s", name=name))


@guarded
def withdraw_from_wordpress(post: PostContent, context: DeliveryContext) -> Outcome:
    """A post handed over ahead of its time, cancelled: moved to WordPress's trash (never deleted for
    good, so a mistake can be undone there), if it carries Refrain's mark and is not yet published."""
    missing = missing_settings(context.account, SETTINGS, "wordpress")
    if missing:
        return missing
    if post.id is None:
        return Outcome.rejected(_("only a saved post (one with an id) can be withdrawn"))
    api = connect(context.account, context.http)
    item, _found = ours_on_wordpress(api, post, identity_marker(post.id))
    if item is None:
        return Outcome.published(message=_("WordPress no longer holds this post: there was nothing to withdraw"))
    if item.get("status") == "publish":
        return Outcome.rejected(
            _(
                "WordPress has already published it as post %(id)s (%(value)s): delete it there "
                "if it should not stay up",
                id=item["id"],
                value=item.get("link") or "see the site",
            )
        )
    api.write("DELETE", f"wp/v2/posts/{item['id']}")
    return Outcome.published(
        remote_id=str(item["id"]),
        message=_(
            "moved the %(value)s WordPress post %(id)s to the trash",
            value=item.get("status") or "scheduled",
            id=item["id"],
        ),
    )
