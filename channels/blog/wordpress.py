"""The WordPress target: the REST API (``/wp-json/wp/v2/posts``) with an application password, the
Markdown rendered as HTML, a post an earlier attempt created found by its slug and updated rather than
duplicated."""

import base64
import html
import json

from channels.base import DeliveryContext, DeliveryFailure, Draft, Outcome, PostContent
from channels.blog.rendering import html_of, markdown_body
from channels.blog.targets import missing_settings, publication_time


def deliver_to_wordpress(draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
    account = context.account
    missing = missing_settings(account, ("site_url", "user", "app_password"), "wordpress")
    if missing:
        return missing
    api = account.setting("site_url").rstrip("/") + "/wp-json/wp/v2"
    token = base64.b64encode(f"{account.setting('user')}:{account.secret('app_password')}".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    when, future = publication_time(post, context)
    matter = draft.payload["front_matter"]
    article = {
        "title": matter["title"],
        "content": html_of(markdown_body(draft), trusted=post.trusted_html),
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
