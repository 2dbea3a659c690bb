"""The Micropub target: a form-encoded h-entry to the site's Micropub endpoint with a bearer token, for
any IndieWeb site (micro.blog, Known, WordPress with the Micropub plugin...)."""

from urllib.parse import urlencode, urljoin

from channels.base import DeliveryContext, Draft, Outcome, PostContent
from channels.blog.rendering import markdown_body
from channels.blog.targets import missing_settings, publication_time
from channels.credentials import answer_data, refused, said


def deliver_to_micropub(draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
    account = context.account
    missing = missing_settings(account, ("micropub_endpoint", "micropub_token"), "micropub")
    if missing:
        return missing
    endpoint = account.setting("micropub_endpoint")
    when, _ = publication_time(post, context)
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
        classify=token_refusals,
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


NEW_TOKEN = (
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
        return refused("the Micropub endpoint", "token", words, f"it lacks the {scope} scope: " + NEW_TOKEN)
    return refused("the Micropub endpoint", "token", words or str(response.status), NEW_TOKEN)
