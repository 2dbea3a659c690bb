"""X / Twitter: weighted length per twitter-text v3 (links 23, CJK and emoji 2), threads on demand.

In a thread, a line of three dashes ("---") is a cut the author chose: each part starts a tweet, and a
part too long for one is split further (``threads``). Adapting an article uses it: headline and link,
then one key sentence per tweet.

Live delivery goes through the X API v2 with an OAuth 2.0 user token (``session.XSession``): pictures
are uploaded first and attached to the first tweet, and a thread is posted tweet by tweet, each a
reply to the one before."""

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
    media_count_problems,
)
from channels.credentials import connected, connection_check
from channels.registry import register
from channels.shaping import (
    attachments_for,
    key_sentences,
    media_extra,
    media_of,
    plain_text,
    refuse_unsupported_media,
    sentences,
    shorten,
)
from channels.twitter.session import API, XSession
from channels.twitter.threads import MAX_WEIGHTED, first_overflow, fits, hand_cuts, split_thread, weighted_length
from scheduler.domain.language import N_, _

LONG_THREAD = 25
MEDIA_MAX = 4
KEY_SENTENCES = (2, 4)  # an article's thread: the headline tweet, then this many sentences
STATUS_URL = "https://x.com/i/web/status/{}"


def link_to_add(post: PostContent) -> str:
    """The post's link, unless the text already carries it (then it stays where the author put it)."""
    return post.link if post.link and post.link not in post.body else ""


def full_text(post: PostContent) -> str:
    return " ".join(part for part in (post.body.strip(), link_to_add(post)) if part)


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
            problems.append(Problem("empty", _("write something: the tweet is empty"), field="body"))
        elif longest > MAX_WEIGHTED:
            problems.append(
                Problem(
                    "too_long",
                    _(
                        "%(over)s weighted characters over the limit of %(limit)s (links count 23, Chinese "
                        "characters and emoji 2): shorten it or turn on thread",
                        over=longest - MAX_WEIGHTED,
                        limit=MAX_WEIGHTED,
                    ),
                    field="body",
                    start=first_overflow(tweets[0]),
                    end=len(tweets[0]),
                )
            )
        if len(tweets) > LONG_THREAD:
            problems.append(
                Problem(
                    "long_thread",
                    _("a thread of %(count)s tweets is hard to read", count=len(tweets)),
                    severity=WARNING,
                    field="body",
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
            N_("API address"),
            required=False,
            default=API,
            help=N_("The X API; change it only to test against a stand-in."),
            kind=ADDRESS,
        ),
        AccountField(
            "client_id",
            N_("OAuth 2.0 client ID"),
            required=False,
            help=N_("Your app's client ID (developer portal, Keys and tokens): needed to renew the token."),
        ),
        AccountField(
            "access_token",
            N_("Access token"),
            secret=True,
            help=N_(
                "An OAuth 2.0 user token with tweet.read, tweet.write, users.read, media.write and offline.access."
            ),
        ),
        AccountField(
            "refresh_token",
            N_("Refresh token"),
            secret=True,
            required=False,
            help=N_("Given with the access token (offline.access): lets Refrain renew it, every two hours."),
        ),
        AccountField(
            "client_secret",
            N_("Client secret"),
            secret=True,
            required=False,
            help=N_("Only for a confidential client: the token is then renewed with Basic authentication."),
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
            return Outcome.rejected(_("nothing to tweet"))
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
                        _(
                            "X refused the tweet as a duplicate of a recent one (%(said)s): if an earlier attempt at "
                            "this post went out, mark it published; otherwise change the text",
                            said=failure.outcome.message,
                        )
                    )
                raise
        message = (
            _("a thread of %(count)s tweets; the last is %(last)s", count=len(posted), last=posted[-1])
            if len(posted) > 1
            else ""
        )
        return Outcome.published(remote_id=posted[0], url=STATUS_URL.format(posted[0]), message=message)

    @connection_check
    def check_connection(self, context):
        """GET /2/users/me under the user token (renewed first when it has expired, or when X refuses
        it): the account the token speaks for."""
        session = XSession(context)
        if not session.token:
            return Outcome.unauthorized(_("the X account has no access token: reconnect it on the Accounts page"))
        if session.expired():
            session.refresh()
        answer = session.call("GET", "/2/users/me").json()
        data = answer.get("data") if isinstance(answer, dict) else None
        username = data.get("username") if isinstance(data, dict) else None
        if not username:
            return Outcome.rejected(_("X answered /2/users/me without a user: is the API address X's?"))
        return connected(_("connected to X as @%(name)s", name=username), remote_id=str(data.get("id") or "") or None)


def partly_published(posted: list[str], total: int, failure: Outcome) -> Outcome:
    head, number = posted[0], len(posted) + 1
    if failure.status == "unconfirmed":
        then = _(
            "then tweet %(number)s got no answer and may have gone out too (%(said)s)",
            number=number,
            said=failure.message,
        )
    else:
        then = _(
            "then tweet %(number)s failed (%(status)s: %(said)s)",
            number=number,
            status=failure.status,
            said=failure.message,
        )
    return Outcome(
        "unconfirmed",
        _(
            "the thread is only partly published: tweets 1 to %(sent)s of %(total)s went out (the first is "
            "%(first)s, %(url)s; the last is %(last)s), %(then)s. Sending the post again would publish the "
            "thread a second time: reply to %(last)s with the rest by hand and mark it published, or delete "
            "the published tweets and send it again",
            sent=len(posted),
            total=total,
            first=head,
            url=STATUS_URL.format(head),
            last=posted[-1],
            then=then,
        ),
        remote_id=head,
        url=STATUS_URL.format(head),
    )


register(Twitter)
