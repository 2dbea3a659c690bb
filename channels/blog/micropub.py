"""The Micropub target: an h-entry to the site's Micropub endpoint with a bearer token, for any IndieWeb
site (micro.blog, Known, WordPress with the Micropub plugin...).

A post is found by identity, never by resemblance (a title, a slug):
- with a stored remote id (the address the endpoint gave the post), delivering again is a Micropub
  update of that address (JSON ``{"action": "update", "url": …, "replace": {…}}``), never a second
  create. An update repeated does no harm, so one whose answer was lost is simply tried again;
- a create carries the post's mark twice: the ``Idempotency-Key`` header, with which an endpoint that
  honours it answers a repeat with the first post's address, and a property of its own
  (``refrain-post=refrain-post-42``). Before creating, the endpoint's own list of posts is asked for
  that mark (``q=source`` without a url, a Micropub extension): a post an earlier attempt created is
  updated instead of created again.
What cannot be resolved: the specification lets an endpoint drop a property it does not know, and
few endpoints list their posts. Against one that does neither and ignores the key, a create whose
answer was lost stays ``unconfirmed`` (someone checks the site, then marks it published or sends it
again), since nothing else could tell this post's entry from another's.
"""

from urllib.parse import urlencode, urljoin

from channels.base import DeliveryContext, DeliveryFailure, Draft, Outcome, PostContent, identity_marker
from channels.blog.rendering import markdown_body
from channels.blog.targets import missing_settings, publication_time
from channels.credentials import answer_data, refused, said
from channels.http import outcome_for
from scheduler.domain.language import N_, _

MARK = "refrain-post"  # the property a created entry carries Refrain's post id in
LOOKUP_LIMIT = 50  # the endpoint's latest posts asked for the mark: a lost answer is looked for soon after


def deliver_to_micropub(draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
    account = context.account
    missing = missing_settings(account, ("micropub_endpoint", "micropub_token"), "micropub")
    if missing:
        return missing
    endpoint = account.setting("micropub_endpoint")
    headers = {"Authorization": f"Bearer {account.secret('micropub_token')}"}
    stored = post.remote_id.strip()
    if stored.startswith(("https://", "http://")):  # the address the endpoint gave (not an outbox file's name)
        return update(endpoint, stored, draft, post, context, headers)
    earlier = find_by_mark(endpoint, post, context, headers)
    if earlier:
        outcome = update(endpoint, earlier, draft, post, context, headers)
        if outcome.status == "published":
            found = _("an earlier attempt had created it (found by its mark); %(said)s", said=outcome.message)
            return Outcome.published(outcome.remote_id, outcome.url, found)
        return outcome
    return create(endpoint, draft, post, context, headers)


def properties(draft: Draft, post: PostContent, context: DeliveryContext) -> dict[str, list[str]]:
    when, _ = publication_time(post, context)
    matter = draft.payload["front_matter"]
    values = {
        "name": [matter["title"]],
        "content": [markdown_body(draft).strip()],
        "category": list(matter.get("tags") or []),
        "published": [when.isoformat()],
    }
    if post.id is not None:
        values[MARK] = [identity_marker(post.id)]
    return values


def create(endpoint: str, draft: Draft, post: PostContent, context: DeliveryContext, headers: dict) -> Outcome:
    values = properties(draft, post, context)
    fields = [("h", "entry"), ("name", values["name"][0]), ("content", values["content"][0])]
    fields += [("category[]", tag) for tag in values["category"]]
    fields += [("published", values["published"][0]), ("mp-slug", draft.payload["front_matter"]["slug"])]
    fields += [(MARK, mark) for mark in values.get(MARK, [])]
    if context.idempotency_key:
        headers = {**headers, "Idempotency-Key": context.idempotency_key}
    response = context.http.request(
        "POST",
        endpoint,
        body=urlencode(fields).encode("utf-8"),
        headers=headers,
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        classify=token_refusals,
    )
    location = response.header("location").strip()
    if response.status in (201, 202) and location:
        url = urljoin(endpoint, location)
        return Outcome.published(
            remote_id=url,
            url=url,
            message=_("accepted by the Micropub endpoint (202: it will appear once the server has processed it)")
            if response.status == 202
            else _("accepted by the Micropub endpoint"),
        )
    return Outcome.unconfirmed(
        _(
            "the Micropub endpoint answered %(status)s without the new post's address "
            "(Location): check the site, then mark it published or send it again",
            status=response.status,
        )
    )


def update(
    endpoint: str, url: str, draft: Draft, post: PostContent, context: DeliveryContext, headers: dict
) -> Outcome:
    """The post at ``url`` given the post's current title, text, tags and date; its address as the
    endpoint answers it (a new Location when the update moved it)."""
    values = properties(draft, post, context)
    request = {"action": "update", "url": url, "replace": {k: v for k, v in values.items() if v}}
    if not values["category"]:
        request["delete"] = ["category"]  # its tags were all removed: replace takes no empty list
    try:
        response = context.http.request("POST", endpoint, json=request, headers=headers, classify=token_refusals)
    except DeliveryFailure as failure:
        outcome = failure.outcome
        if outcome.status == "unconfirmed":
            return Outcome.retry(_("%(value)s; an update sent again does no harm", value=outcome.message.split(";")[0]))
        if outcome.status == "rejected":
            return Outcome.rejected(
                _(
                    "the Micropub endpoint would not update %(url)s (%(said)s): it may have been "
                    "deleted from the site. Refrain does not create a second post in its place: check "
                    "the site",
                    url=url,
                    said=outcome.message,
                )
            )
        return outcome
    location = response.header("location").strip()
    moved = urljoin(endpoint, location) if response.status == 201 and location else url
    return Outcome.published(remote_id=moved, url=moved, message=_("updated on the site through Micropub"))


def find_by_mark(endpoint: str, post: PostContent, context: DeliveryContext, headers: dict) -> str:
    """The address of the post an earlier attempt created, found by its mark among the endpoint's latest
    posts; "" when there is none, or when the endpoint cannot list its posts (most answer 400 to the
    query). Asking changes nothing, so a question without an answer is a retry."""
    if post.id is None:
        return ""
    try:
        response = context.http.request(
            "GET", endpoint, params={"q": "source", "limit": LOOKUP_LIMIT}, headers=headers, errors_as_answers=True
        )
    except DeliveryFailure as failure:
        if failure.outcome.status == "unconfirmed":
            raise DeliveryFailure(
                Outcome.retry(
                    _(
                        "the Micropub endpoint did not answer when asked for an earlier attempt at this "
                        "post; nothing was published"
                    )
                )
            ) from None
        raise
    if response.status in (401, 429):  # a refused token, or a pause asked for: creating would meet it too
        raise DeliveryFailure(token_refusals(response) or outcome_for(response))
    if not 200 <= response.status < 300:
        return ""
    try:
        answer = response.json()
    except DeliveryFailure:
        return ""
    items = answer.get("items") if isinstance(answer, dict) else None
    marker = identity_marker(post.id)
    for item in items if isinstance(items, list) else []:
        values = item.get("properties") if isinstance(item, dict) else None
        if not isinstance(values, dict):
            continue
        marks, urls = values.get(MARK), values.get("url")
        if isinstance(marks, list) and marker in marks:
            found = next((u for u in urls if isinstance(u, str) and u.strip()), "") if isinstance(urls, list) else ""
            if not found:
                raise DeliveryFailure(
                    Outcome.unconfirmed(
                        _(
                            "the Micropub endpoint holds this post from an earlier attempt but gives no "
                            "address for it: check the site, then mark it published"
                        )
                    )
                )
            return urljoin(endpoint, found.strip())
    return ""


NEW_TOKEN = N_(
    "sign in to the site again for an IndieAuth token with the create scope and reconnect the account on the "
    "Accounts page"
)
TOKEN_ERRORS = {"unauthorized", "forbidden", "insufficient_scope", "invalid_token"}


def token_refusals(response) -> Outcome | None:
    """How a Micropub endpoint refuses the token (the spec's error codes: unauthorized, forbidden,
    insufficient_scope; OAuth's invalid_token), whatever the status it sends them with (some servers
    answer 400), or in a ``WWW-Authenticate: Bearer error="..."`` header."""
    if 200 <= response.status < 300:
        return None
    data = answer_data(response)
    data = data if isinstance(data, dict) else {}
    code = str(data.get("error") or "")
    challenge = response.header("www-authenticate").lower()
    code = code or next((name for name in TOKEN_ERRORS if f'error="{name}"' in challenge), "")
    if code not in TOKEN_ERRORS and response.status not in (401, 403):
        return None
    words = said(" ".join(part for part in (code, str(data.get("error_description") or "")) if part))
    if code == "insufficient_scope":
        scope = said(data.get("scope")) or "create"
        return refused(
            N_("the Micropub endpoint"),
            N_("token"),
            words,
            _("it lacks the %(scope)s scope: %(then)s", scope=scope, then=_(NEW_TOKEN)),
        )
    return refused(N_("the Micropub endpoint"), N_("token"), words or str(response.status), NEW_TOKEN)
