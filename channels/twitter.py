"""X / Twitter: weighted length per twitter-text v3 (links 23, CJK and emoji 2), threads on demand.

In a thread, a line of three dashes ("---") is a cut the author chose: each part starts a tweet, and a
part too long for one is split further. Adapting an article uses it: headline and link, then one
key sentence per tweet.

Live delivery goes through the X API v2 with an OAuth 2.0 user token (see ``XSession``): pictures
are uploaded first and attached to the first tweet, and a thread is posted tweet by tweet, each a
reply to the one before."""

import base64
import re
import time
from datetime import datetime
from functools import lru_cache

from twitter_text import parse_tweet

from channels.base import (
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
    as_utc,
    media_count_problems,
)
from channels.http import multipart
from channels.registry import register
from channels.shaping import (
    attachments_for,
    before_publishing,
    fetch_image,
    file_name,
    key_sentences,
    media_extra,
    media_of,
    plain_text,
    refuse_unsupported_media,
    sentences,
    shorten,
)
from scheduler.domain.links import URL

MAX_WEIGHTED = 280
LONG_THREAD = 25
MEDIA_MAX = 4
KEY_SENTENCES = (2, 4)  # an article's thread: the headline tweet, then this many sentences
SENTENCE_GAP = re.compile(r"((?<=[.!?。！？])\s+|(?<=[。！？]))")
THREAD_CUT = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.MULTILINE)
API = "https://api.x.com"
STATUS_URL = "https://x.com/i/web/status/{}"
IMAGE_MAX_BYTES = 5 * 1024 * 1024
ALT_MAX = 1000
EXPIRY_MARGIN = 60  # seconds: a token this close to its end is renewed before use


@lru_cache(maxsize=4096)
def parsed(text: str):
    """Cached: a parse costs about a millisecond, and splitting and checking a thread asks again and again."""
    return parse_tweet(text)


def weighted_length(text: str) -> int:
    return parsed(text).weightedLength


def fits(text: str, room: str = "") -> bool:
    return weighted_length(text + room) <= MAX_WEIGHTED


def surely_fits(text: str, room: str) -> bool:
    """A bound that spares a parse (each costs a millisecond): no character weighs more than 2, and a
    link, however short ("a.co"), weighs 23 but holds at least one dot."""
    if len(text) > MAX_WEIGHTED // 2:
        return False
    return 2 * len(text) + 23 * text.count(".") + weighted_length(room) <= MAX_WEIGHTED


def link_to_add(post: PostContent) -> str:
    """The post's link, unless the text already carries it (then it stays where the author put it)."""
    return post.link if post.link and post.link not in post.body else ""


def full_text(post: PostContent) -> str:
    return " ".join(part for part in (post.body.strip(), link_to_add(post)) if part)


def _pieces(sentence: str, glue: str, room: str):
    """(glue, word) pairs; a word longer than a tweet (unspaced Chinese, say) is cut, a link never."""
    for word in sentence.split():
        while word:
            if URL.fullmatch(word) or surely_fits(word, room) or (len(word) <= MAX_WEIGHTED and fits(word, room)):
                yield glue, word
                break
            # no character weighs less than 1, so a tweet's piece lies in the first 280 characters
            piece = shorten(word[:MAX_WEIGHTED], lambda t: fits(t, room), ellipsis="") or word[0]
            yield glue, piece
            glue, word = "", word[len(piece) :]
        glue = " "


def _sentences(text: str):
    """(glue, sentence) pairs: the glue is the space before a sentence, or nothing after a Chinese full stop."""
    chunks = SENTENCE_GAP.split(" ".join(text.split()))
    glue = ""
    for n, chunk in enumerate(chunks):
        if n % 2:
            glue = " " if chunk else ""
        elif chunk:
            yield glue, chunk


def _units(text: str, widest_room: str) -> list[tuple[str, str]]:
    """Whole sentences where one fits in a tweet, else its words: the cuts fall between sentences first."""
    units = []
    for glue, sentence in _sentences(text):
        if surely_fits(sentence, widest_room) or fits(sentence, widest_room):
            units.append((glue, sentence))
        else:
            units.extend(_pieces(sentence, glue, widest_room))
    return units


def _joined(units: list[tuple[str, str]]) -> str:
    return "".join(text if n == 0 else glue + text for n, (glue, text) in enumerate(units))


def _most_that_fit(total: int, fits_count) -> int:
    """Doubling, then halving: a tweet's worth of units costs a few parses, however long the text."""
    low, high = 0, 1
    while high <= total and fits_count(high):
        low, high = high, high * 2
    high = min(high, total + 1)
    while high - low > 1:
        middle = (low + high) // 2
        if fits_count(middle):
            low = middle
        else:
            high = middle
    return low


def _pack(units: list[tuple[str, str]], link: str, numbering: str) -> list[str]:
    parts, start = [], 0
    while start < len(units):
        room = (f" {link}" if link and not parts else "") + numbering
        count = _most_that_fit(len(units) - start, lambda n: fits(_joined(units[start : start + n]), room)) or 1  # noqa: B023 (called at once)
        parts.append(_joined(units[start : start + count]))
        start += count
    if link:
        parts[:1] = [f"{parts[0]} {link}" if parts else link]
    return parts


def hand_cuts(text: str) -> list[str]:
    """The parts of a thread the author cut with '---' lines (one part when there is none)."""
    return [part for part in THREAD_CUT.split(text) if part.strip()]


def split_thread(text: str, link: str = "") -> list[str]:
    """Tweets of at most 280 weighted characters, cut at the author's '---' lines, then at sentences,
    then words (never inside a link), numbered " 1/3"; ``link`` is added to the first tweet, where
    readers see it."""
    digits = 1
    while True:
        numbering = " " + "9" * digits + "/" + "9" * digits
        widest_room = (f" {link}" if link else "") + numbering
        parts = []
        for number, part in enumerate(hand_cuts(text) or [""]):
            parts += _pack(_units(part, widest_room), link if number == 0 else "", numbering)
        if len(parts) < 10**digits:
            break
        digits += 1
    if len(parts) == 1:
        return parts
    return [f"{part} {n}/{len(parts)}" for n, part in enumerate(parts, start=1)]


def first_overflow(text: str) -> int:
    """Where the text goes past 280, as a Python index (twitter-text counts in UTF-16 units)."""
    units_that_fit = parsed(text).validRangeEnd + 1
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > units_that_fit:
            return index
    return len(text)


class Twitter(Channel):
    name = "twitter"
    label = "X / Twitter"
    limits = {"weighted_length": MAX_WEIGHTED, "url_length": 23}
    extra_fields = {"thread": bool, "media": Media}
    feed_content_type = "text"

    def render(self, post):
        """{"tweets": [...]}, plus "media" ([{"url", "type", "alt"}], for the first tweet) when attached."""
        text = full_text(post)
        if post.extra.get("thread") and (not fits(text) or len(hand_cuts(post.body)) > 1):
            tweets = split_thread(post.body, link_to_add(post))
        else:
            tweets = [text]
        payload = {"tweets": tweets}
        if media_of(post.extra):
            payload["media"] = media_of(post.extra)
        return Draft(self.name, payload, "\n\n".join(tweets))

    def check(self, post, draft):
        tweets = draft.payload["tweets"]
        longest = max(weighted_length(t) for t in tweets)
        problems = []
        if not post.body.strip():
            problems.append(Problem("empty", "write something: the tweet is empty", field="body"))
        elif longest > MAX_WEIGHTED:
            problems.append(
                Problem(
                    "too_long",
                    f"{longest - MAX_WEIGHTED} weighted characters over the limit of {MAX_WEIGHTED} "
                    "(links count 23, Chinese characters and emoji 2): shorten it or turn on thread",
                    field="body",
                    start=first_overflow(tweets[0]),
                    end=len(tweets[0]),
                )
            )
        if len(tweets) > LONG_THREAD:
            problems.append(
                Problem(
                    "long_thread", f"a thread of {len(tweets)} tweets is hard to read", severity=WARNING, field="body"
                )
            )
        problems += media_count_problems(draft.payload.get("media", []), MEDIA_MAX, self.label)
        return Length(longest, MAX_WEIGHTED, "weighted characters"), problems

    def adapt(self, source):
        """The source's headline with its link: the tweet that sends readers to it. An article with
        something to say becomes a thread: that tweet, then its key sentences, one a tweet."""
        headline = source.title or " ".join(sentences(source.body)) or plain_text(source.body)
        room = " " + source.link if source.link else ""
        keys = key_sentences(source.body, KEY_SENTENCES[1], skip=source.title) if source.channel == "blog" else []
        extra = media_extra(attachments_for(source.extra, source.link, MEDIA_MAX))
        if len(keys) >= KEY_SENTENCES[0]:
            numbering = " 9/9"
            tweets = [shorten(headline, lambda t: fits(t + room + numbering))]
            tweets += [shorten(key, lambda t: fits(t + numbering)) for key in keys]
            text, extra["thread"] = "\n---\n".join(tweets), True
        else:
            text = shorten(headline, lambda t: fits(t + room))
        return PostContent(
            channel=self.name,
            body=text,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra=extra,
        )

    account_fields = (
        AccountField(
            "api_base",
            "API address",
            required=False,
            default=API,
            help="The X API; change it only to test against a stand-in.",
        ),
        AccountField(
            "client_id",
            "OAuth 2.0 client ID",
            required=False,
            help="Your app's client ID (developer portal, Keys and tokens): needed to renew the token.",
        ),
        AccountField(
            "access_token",
            "Access token",
            secret=True,
            help="An OAuth 2.0 user token with tweet.read, tweet.write, users.read, media.write and offline.access.",
        ),
        AccountField(
            "refresh_token",
            "Refresh token",
            secret=True,
            required=False,
            help="Given with the access token (offline.access): lets Refrain renew it, every two hours.",
        ),
        AccountField(
            "client_secret",
            "Client secret",
            secret=True,
            required=False,
            help="Only for a confidential client: the token is then renewed with Basic authentication.",
        ),
    )

    def deliver_live(self, draft, post, context):
        """Pictures first, then the tweets, each after the one before.

        X offers no idempotency key, so what may be sent again is decided here: until the first tweet is
        out, every failure keeps the meaning the client gave it (``retry`` is safe: nothing is public
        yet). Once the first tweet is out, sending the post again would publish it a second time, so a
        later tweet that fails makes the whole post ``unconfirmed``, never ``retry`` nor
        ``unauthorized`` (which would send it again after a reconnection): the message says which
        tweets went out, with the first one's id and address, for a person to finish the thread or
        mark it published."""
        tweets = list(draft.payload.get("tweets") or [])
        media = list(draft.payload.get("media") or [])
        if not tweets:
            return Outcome.rejected("nothing to tweet")
        refuse_unsupported_media(media, self.label)
        session = XSession(context)
        if session.expired():
            session.refresh()
        media_ids = [session.upload(item) for item in media]
        posted: list[str] = []
        for number, text in enumerate(tweets):
            body = {"text": text}
            if number == 0 and media_ids:
                body["media"] = {"media_ids": media_ids}
            if posted:
                body["reply"] = {"in_reply_to_tweet_id": posted[-1]}
            try:
                posted.append(session.tweet(body))
            except DeliveryFailure as failure:
                if posted:
                    return partly_published(posted, len(tweets), failure.outcome)
                if session.failed_status == 403 and "duplicate" in failure.outcome.message.lower():
                    return Outcome.unconfirmed(
                        f"X refused the tweet as a duplicate of a recent one ({failure.outcome.message}): if an "
                        "earlier attempt at this post went out, mark it published; otherwise change the text"
                    )
                raise
        message = f"a thread of {len(posted)} tweets; the last is {posted[-1]}" if len(posted) > 1 else ""
        return Outcome.published(remote_id=posted[0], url=STATUS_URL.format(posted[0]), message=message)


def partly_published(posted: list[str], total: int, failure: Outcome) -> Outcome:
    head, number = posted[0], len(posted) + 1
    if failure.status == "unconfirmed":
        then = f"then tweet {number} got no answer and may have gone out too ({failure.message})"
    else:
        then = f"then tweet {number} failed ({failure.status}: {failure.message})"
    return Outcome(
        "unconfirmed",
        f"the thread is only partly published: tweets 1 to {len(posted)} of {total} went out (the first is "
        f"{head}, {STATUS_URL.format(head)}; the last is {posted[-1]}), {then}. "
        "Sending the post again would publish the thread "
        f"a second time: reply to {posted[-1]} with the rest by hand and mark it published, or delete the "
        "published tweets and send it again",
        remote_id=head,
        url=STATUS_URL.format(head),
    )


class XSession:
    """One delivery's exchanges with the X API, under the account's user token; an expired token
    (a stored ``expires_at`` in the past, or a 401) is renewed once per delivery with the refresh token,
    and the renewed tokens are saved at once (X voids the old refresh token as it gives a new one)."""

    def __init__(self, context):
        account = context.account
        self.context, self.http = context, context.http
        self.api = account.setting("api_base", API).rstrip("/")
        self.client_id = account.setting("client_id")
        self.token = account.secret("access_token")
        self.refresh_token = account.secret("refresh_token")
        self.client_secret = account.secret("client_secret")
        self.expires_at = _timestamp(account.secret("expires_at"))
        self.refreshed = False
        self.failed_status: int | None = None

    def expired(self) -> bool:
        return (
            self.expires_at is not None and self.expires_at - EXPIRY_MARGIN <= time.time() and bool(self.refresh_token)
        )

    def call(self, method: str, path: str, **kwargs):
        try:
            return self._send(method, path, **kwargs)
        except DeliveryFailure:
            if self.refreshed or self.failed_status != 401:
                raise
        self.refresh()
        return self._send(method, path, **kwargs)

    def _send(self, method: str, path: str, **kwargs):
        """One request under the current token; ``failed_status`` keeps the status of an answer that was a
        failure (the client logs each answer before raising), None when no answer came."""
        log = getattr(self.http, "log", None)
        before = len(log) if log is not None else 0
        self.failed_status = None
        try:
            return self.http.request(method, self.api + path, headers=self._authorization(), **kwargs)
        except DeliveryFailure:
            if log is not None and len(log) > before:
                self.failed_status = log[-1][2]
            raise

    def _authorization(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def refresh(self) -> None:
        """POST /2/oauth2/token (grant_type=refresh_token); a refusal means the account must be reconnected."""
        self.refreshed = True
        if not (self.refresh_token and self.client_id):
            raise DeliveryFailure(
                Outcome.unauthorized(
                    "the X access token has expired and cannot be renewed without a refresh token and the client ID: "
                    "reconnect the account on the Accounts page"
                )
            )
        headers = {}
        if self.client_secret:
            pair = f"{self.client_id}:{self.client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        form = {"grant_type": "refresh_token", "refresh_token": self.refresh_token, "client_id": self.client_id}
        try:
            with before_publishing("renewing the X access token"):
                data = self.http.request("POST", self.api + "/2/oauth2/token", form=form, headers=headers).json()
        except DeliveryFailure as failure:
            if failure.outcome.status == "retry":
                raise
            raise DeliveryFailure(
                Outcome.unauthorized(
                    f"could not renew the X access token ({failure.outcome.message}): reconnect the account on the "
                    "Accounts page"
                )
            ) from None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            raise DeliveryFailure(
                Outcome.unauthorized(
                    "X renewed no access token (its answer had none): reconnect the account on the Accounts page"
                )
            )
        self.token = token
        self.refresh_token = data.get("refresh_token") or self.refresh_token
        lifetime = data.get("expires_in")
        self.expires_at = time.time() + float(lifetime) if isinstance(lifetime, (int, float)) else None
        if self.context.save_secrets:
            self.context.save_secrets(
                {
                    "access_token": self.token,
                    "refresh_token": self.refresh_token,
                    "expires_at": str(int(self.expires_at)) if self.expires_at else "",
                }
            )

    def upload(self, item: dict) -> str:
        """POST /2/media/upload (multipart: media, media_category), then its alt text (POST /2/media/metadata)."""
        data, kind = fetch_image(self.http, item, IMAGE_MAX_BYTES, "X")
        body, content_type = multipart(
            {"media_category": "tweet_image"}, {"media": (file_name(item["url"], kind), data, kind)}
        )
        with before_publishing(f"uploading the image {item['url']} to X"):
            answer = self.call("POST", "/2/media/upload", body=body, content_type=content_type).json()
            media_id = _data_id(answer)
            if not media_id:
                raise DeliveryFailure(Outcome.retry(f"uploading the image {item['url']} to X gave no media id"))
            if item.get("alt"):
                self.call(
                    "POST",
                    "/2/media/metadata",
                    json={"id": media_id, "metadata": {"alt_text": {"text": item["alt"][:ALT_MAX]}}},
                )
        return media_id

    def tweet(self, body: dict) -> str:
        """POST /2/tweets; the new tweet's id."""
        answer = self.call("POST", "/2/tweets", json=body).json()
        tweet_id = _data_id(answer)
        if not tweet_id:
            raise DeliveryFailure(
                Outcome.unconfirmed(
                    "X accepted the tweet but named no id: check the profile, then mark it published or send it again"
                )
            )
        return tweet_id


def _data_id(answer) -> str:
    data = answer.get("data") if isinstance(answer, dict) else None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value else ""


def _timestamp(value: str) -> float | None:
    """``expires_at`` as saved (seconds since 1970), or an ISO 8601 time; None when unknown."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00"))).timestamp()
    except ValueError:
        return None


register(Twitter)
