"""Pinterest: a pin, per API v5 (``POST {api}/v5/pins``), on the board named in the account's settings.

A pin is a picture first: it needs an image (the post's first image attachment, sent by URL as
``media_source: {source_type: "image_url", url}``), then a title of up to 100 characters, a
description of up to 500, alt text of up to 500 and a destination link. The board is the
account's, so the draft leaves it out and delivery adds it.
"""

from channels.base import (
    ADDRESS,
    WARNING,
    AccountField,
    Channel,
    DeliveryFailure,
    Draft,
    Length,
    Media,
    Outcome,
    PostContent,
    Problem,
)
from channels.credentials import answer_data, connected, connection_check, refused, said
from channels.registry import register
from channels.shaping import (
    headline_from,
    images_of,
    media_of,
    plain_text,
    shorten,
    youtube_thumbnail,
    youtube_video_id,
)
from scheduler.domain.language import N_, _
from scheduler.domain.links import is_web_address

TITLE_MAX, DESCRIPTION_MAX, ALT_MAX, LINK_MAX = 100, 500, 500, 2048
API_URL = "https://api.pinterest.com"
NEW_TOKEN = N_("make a new access token and reconnect the account on the Accounts page")
SCOPES_FIX = N_(
    "the token needs the boards:read, pins:read and pins:write scopes: make a new access token and reconnect "
    "the account on the Accounts page"
)


class Pinterest(Channel):
    name = "pinterest"
    label = "Pinterest"
    limits = {"title": TITLE_MAX, "description": DESCRIPTION_MAX, "alt_text": ALT_MAX, "link": LINK_MAX, "media": 1}
    extra_fields = {"media": Media}
    feed_content_type = "image"
    account_fields = (
        AccountField(
            "board_id", N_("Board ID"), help=N_("the board pins go to (GET /v5/boards lists them with their ids)")
        ),
        AccountField(
            "access_token",
            N_("Access token"),
            secret=True,
            help=N_("an OAuth token with the boards:read, pins:read and pins:write scopes"),
        ),
        AccountField("api_url", N_("API address"), required=False, default=API_URL, kind=ADDRESS),
    )

    def render(self, post):
        images = images_of(post.extra)
        payload = {
            "title": " ".join(post.title.split()),
            "description": plain_text(post.body),
            "link": post.link.strip(),
            "alt_text": images[0]["alt"] if images else "",
            "media_source": {"source_type": "image_url", "url": images[0]["url"]} if images else None,
        }
        preview = "\n\n".join(part for part in (payload["title"], payload["description"], payload["link"]) if part)
        return Draft(self.name, payload, preview)

    def check(self, post, draft):
        pin, problems = draft.payload, []
        if not pin["media_source"]:
            problems.append(
                Problem("missing_image", _("a pin needs a picture: attach an image (with alt text)"), field="media")
            )
        for field_name, key, most, too_long in (
            (
                "title",
                "title",
                TITLE_MAX,
                N_("the pin's title has %(size)s characters, %(over)s over Pinterest's %(most)s"),
            ),
            (
                "body",
                "description",
                DESCRIPTION_MAX,
                N_("the pin's description has %(size)s characters, %(over)s over Pinterest's %(most)s"),
            ),
            (
                "media",
                "alt_text",
                ALT_MAX,
                N_("the pin's alt text has %(size)s characters, %(over)s over Pinterest's %(most)s"),
            ),
        ):
            size = len(pin[key])
            if size > most:
                problems.append(
                    Problem(
                        f"{key}_too_long",
                        _(too_long, size=size, over=size - most, most=most),
                        field=field_name,
                        start=most if field_name != "media" else None,
                        end=size if field_name != "media" else None,
                    )
                )
        if pin["link"] and (not is_web_address(pin["link"]) or len(pin["link"]) > LINK_MAX):
            problems.append(
                Problem(
                    "bad_link",
                    _("the link must be an http(s) address of at most %(link_max)s characters", link_max=LINK_MAX),
                    field="link",
                )
            )
        media = media_of(post.extra)
        if len(media) > 1:
            problems.append(
                Problem(
                    "media_not_sent",
                    _("a pin shows one picture: only the first image is sent"),
                    severity=WARNING,
                    field="media",
                )
            )
        return Length(len(pin["description"]), DESCRIPTION_MAX, "characters"), problems

    def adapt(self, source):
        """The source's first picture (a video link gives its thumbnail), its headline as the title,
        its text shortened to a description, and its link as the pin's destination."""
        pictures = images_of(source.extra)[:1]
        video = youtube_video_id(source.link)
        if not pictures and video:
            pictures = [{"url": youtube_thumbnail(video), "type": "image", "alt": " ".join(source.title.split())}]
        pictures = [{**picture, "alt": shorten(picture["alt"], lambda t: len(t) <= ALT_MAX)} for picture in pictures]
        text = plain_text(source.body)
        if source.link:
            text = text.replace(source.link, "").strip()
        headline = source.title or headline_from(text)
        return PostContent(
            channel=self.name,
            title=shorten(headline, lambda t: len(t) <= TITLE_MAX),
            body=shorten(text, lambda t: len(t) <= DESCRIPTION_MAX),
            link=source.link if is_web_address(source.link) else "",
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra={"media": pictures} if pictures else {},
        )

    def deliver_live(self, draft, post, context):
        account = context.account
        board, token = account.setting("board_id").strip(), account.secret("access_token")
        if not token:
            return Outcome.unauthorized(
                _("the Pinterest account has no access token: reconnect it on the Accounts page")
            )
        if not board:
            return Outcome.rejected(_("the Pinterest account names no board: set its Board ID on the Accounts page"))
        if not draft.payload.get("media_source"):
            return Outcome.rejected(_("a pin needs a picture: attach an image to the post"))
        pin = {"board_id": board, **{key: value for key, value in draft.payload.items() if value}}
        base = account.setting("api_url", API_URL).rstrip("/")
        try:
            answer = context.http.request(
                "POST",
                f"{base}/v5/pins",
                json=pin,
                headers={"Authorization": f"Bearer {token}"},
                classify=refusals_for(board),
            ).json()
        except DeliveryFailure as failure:
            raise DeliveryFailure(without_secret(failure.outcome, token)) from None
        pin_id = str(answer.get("id") or "") if isinstance(answer, dict) else ""
        if not pin_id:
            return Outcome.unconfirmed(
                _("Pinterest accepted the pin but gave no id; check the board, then mark it published or send it again")
            )
        return Outcome.published(pin_id, f"https://www.pinterest.com/pin/{pin_id}/")

    @connection_check
    def check_connection(self, context):
        """GET /v5/user_account (whose token it is), then GET /v5/boards/{board_id} (the board pins go to)."""
        account = context.account
        board, token = account.setting("board_id").strip(), account.secret("access_token")
        if not token:
            return Outcome.unauthorized(
                _("the Pinterest account has no access token: reconnect it on the Accounts page")
            )
        base = account.setting("api_url", API_URL).rstrip("/")
        auth, classify = {"Authorization": f"Bearer {token}"}, refusals_for(board)
        user = context.http.request("GET", f"{base}/v5/user_account", headers=auth, classify=classify).json()
        username = user.get("username") if isinstance(user, dict) else None
        if not username:
            return Outcome.rejected(_("Pinterest answered without a user: is the API address Pinterest's?"))
        if not board:
            return Outcome.rejected(
                _(
                    "the token works (@%(username)s) but the account names no board: set its Board ID "
                    "on the Accounts page",
                    username=username,
                )
            )
        try:
            found = context.http.request("GET", f"{base}/v5/boards/{board}", headers=auth, classify=classify).json()
        except DeliveryFailure as failure:
            if failure.outcome.status != "rejected":
                raise
            return Outcome.rejected(
                _(
                    "the token works (@%(username)s) but Pinterest has no board %(board)s for it "
                    "(%(said)s): check the Board ID (GET /v5/boards lists them)",
                    username=username,
                    board=board,
                    said=failure.outcome.message,
                )
            )
        name = said(found.get("name")) if isinstance(found, dict) else ""
        return connected(
            _(
                "connected to Pinterest as @%(username)s, pinning to the board %(value)s",
                username=username,
                value=name or board,
            )
        )


def refusals_for(board: str):
    """How Pinterest says the token is refused: code 2 "Authentication failed." (expired, revoked), code 3
    (a scope the token lacks), any other 401; a 403 is the board's: the account may not pin there."""

    def classify(response) -> Outcome | None:
        data = answer_data(response)
        data = data if isinstance(data, dict) else {}
        code, words = data.get("code"), said(data.get("message")) or str(response.status)
        if not 400 <= response.status < 500:
            return None
        if code == 3:
            return refused("Pinterest", N_("access token"), words, SCOPES_FIX)
        if code == 2 or response.status == 401:
            return refused("Pinterest", N_("access token"), words, NEW_TOKEN)
        if response.status == 403:
            return refused(
                "Pinterest",
                _("account's access to the board %(board)s", board=board or _("(none set)")),
                words,
                N_("check the Board ID (GET /v5/boards lists the boards the token may pin to), then reconnect"),
            )
        return None

    return classify


def without_secret(outcome: Outcome, secret: str) -> Outcome:
    """Never let a token reach an outcome, even if a service echoes it."""
    if secret and secret in outcome.message:
        return Outcome(
            outcome.status,
            outcome.message.replace(secret, "[token]"),
            outcome.remote_id,
            outcome.url,
            outcome.retry_after,
        )
    return outcome


register(Pinterest)
