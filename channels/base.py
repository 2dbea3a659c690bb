"""The adapter interface every channel implements, and the plain data that crosses it.

An adapter turns a post into its channel's own shape (a tweet thread, a video's snippet, a
newsletter issue...), says what is wrong with it in that shape, adapts a post from another channel,
and delivers a draft. A delivery always answers with a typed ``Outcome``, never a bare exception,
so the worker can decide between published, retry and giving up without guessing.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import ClassVar

from channels import feeds
from channels.outbox import write_atomically
from scheduler.domain.language import _

ERROR, WARNING = "error", "warning"
MEDIA_TYPES = ("image", "video", "audio", "")  # an attachment's type; "" when it cannot be told


class _ListOfMappings(type):
    def __instancecheck__(cls, value) -> bool:
        return isinstance(value, list) and all(isinstance(item, Mapping) for item in value)


class Media(list, metaclass=_ListOfMappings):
    """The kind of an extra field that holds attachments: a list of {"url": str, "type": "image" |
    "video" | "audio" | "", "alt": str}. A kind of its own, since every other list field holds texts;
    any list of objects passes ``isinstance(value, Media)``, and ``check_extra`` checks each item."""


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    severity: str = ERROR
    field: str | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class Length:
    value: int
    max: int
    unit: str

    def to_dict(self) -> dict:
        return {"value": self.value, "max": self.max, "unit": self.unit}


@dataclass(frozen=True)
class PostContent:
    """What the app hands an adapter: plain data, no database rows."""

    channel: str
    body: str
    title: str = ""
    link: str = ""
    extra: Mapping = field(default_factory=dict)
    id: int | None = None
    campaign: str = ""  # the plan's slug, for UTM campaign names
    scheduled_at: datetime | None = None  # aware UTC
    # the service's own id for this post, from an earlier delivery or hand-over ("" when none): an
    # update goes there, never to a post found by resemblance (a title, a slug)
    remote_id: str = ""
    # a manager marked the post's raw HTML as trusted: it reaches the channel unsanitised
    trusted_html: bool = False


@dataclass(frozen=True)
class Draft:
    channel: str
    payload: dict  # the channel's own shape, JSON-serialisable
    preview: str  # plain text, as a reader would see it


@dataclass(frozen=True)
class Validation:
    draft: Draft | None
    length: Length | None
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def to_dict(self) -> dict:
        return {
            "valid": self.valid,
            "length": self.length.to_dict() if self.length else None,
            "problems": [p.to_dict() for p in self.problems],
            "draft": self.draft.payload if self.draft else None,
            "preview": self.draft.preview if self.draft else "",
        }


@dataclass(frozen=True)
class Outcome:
    status: str  # 'published' | 'retry' | 'unauthorized' | 'rejected' | 'unconfirmed'
    message: str = ""
    remote_id: str | None = None
    url: str | None = None
    retry_after: float | None = None

    @classmethod
    def published(cls, remote_id=None, url=None, message=""):
        return cls("published", message, remote_id, url)

    @classmethod
    def retry(cls, message, retry_after=None):
        return cls("retry", message, retry_after=retry_after)

    @classmethod
    def rejected(cls, message):
        return cls("rejected", message)

    @classmethod
    def unauthorized(cls, message):
        return cls("unauthorized", message)

    @classmethod
    def unconfirmed(cls, message):
        return cls("unconfirmed", message)


class DeliveryFailure(Exception):
    """Raised inside a live delivery with the outcome it means (``channels.http`` raises it for every
    answer that is not a success); ``Channel.deliver`` turns it back into that outcome."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome
        super().__init__(outcome.message)


@dataclass(frozen=True)
class Account:
    """A connected channel account, as an adapter sees it: settings in the clear, secrets decrypted
    only for the delivery (never logged, never shown back)."""

    id: int
    channel: str
    name: str
    settings: Mapping = field(default_factory=dict)
    secrets: Mapping = field(default_factory=dict, repr=False)

    def setting(self, name: str, default: str = "") -> str:
        return str(self.settings.get(name) or default)

    def secret(self, name: str) -> str:
        return str(self.secrets.get(name) or "")


ADDRESS, FOLDER = "address", "folder"  # the kinds of account field the app treats with care


@dataclass(frozen=True)
class AccountField:
    name: str
    label: str
    secret: bool = False
    required: bool = True
    help: str = ""
    default: str = ""
    # ADDRESS: part of where the account's secrets are sent (an API base, a server, its port, its TLS
    # setting): the secrets are bound to it, and changing it without giving them again drops them, so a
    # token can't be sent to an address it was never given for. FOLDER: a folder Refrain writes into,
    # relative to REFRAIN_EXPORT_ROOT and confined to it (``channels.exports``).
    kind: str = ""


@dataclass(frozen=True)
class DeliveryContext:
    mode: str  # 'outbox' | 'live'
    outbox_dir: Path
    account: Account | None = None
    http: object = None  # channels.http.HttpClient in live mode: bounded, classifying, rate-limit aware
    # keeps secrets an adapter renewed during the delivery (a refreshed OAuth token), encrypted
    save_secrets: Callable[[dict], None] | None = None
    idempotency_key: str = ""  # the same for every attempt at one post: services that honour one dedupe
    # the newsletter's list-keeping service (subscribers, rows, batch jobs), given by the app to the newsletter
    # adapter only: ``settings_problem(account) -> str`` and ``start_issue(post_id, payload, account) ->
    # (recipients, batches)``; adapters know no database
    mailing_list: object | None = None
    # the moment of the delivery, on the app's clock (which a test may pin); None: the system's clock.
    # What an adapter decides by the time (a post still ahead, a publish date) asks ``context.moment()``
    now: datetime | None = None
    # the folder channels that write files (the blog's folder target, the ads' export) write inside,
    # REFRAIN_EXPORT_ROOT; an account's folder is relative to it (``channels.exports``)
    export_root: Path | None = None

    def moment(self) -> datetime:
        return self.now.astimezone(timezone.utc) if self.now is not None else datetime.now(timezone.utc)


def as_utc(when: datetime | None) -> datetime | None:
    """The app stores UTC; a naive time is taken as such rather than as the server's local time."""
    if when is None:
        return None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


class RenderError(ValueError):
    """Raised by render() when a post cannot take the channel's shape; validate() reports it as a Problem."""

    def __init__(self, code: str, field_name: str | None, message: str):
        self.code = code
        self.field = field_name
        super().__init__(message)


class MissingField(RenderError):
    def __init__(self, field_name: str, message: str):
        super().__init__("missing_" + field_name, field_name, message)


class _Spoken:
    """A class's sentence kept in English (``N_``) and read in the language spoken now: a channel's
    ``label`` reads "Lettre d’information" on a French reader's page wherever it is shown."""

    def __init__(self, message: str):
        self.message = message

    def __get__(self, instance, owner=None) -> str:
        return _(self.message)


class Channel:
    name: ClassVar[str]
    label: ClassVar[str]  # N_("Blog"): read through the language spoken now (``_Spoken``)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        label = cls.__dict__.get("label")
        if isinstance(label, str):
            cls.label = _Spoken(label)

    limits: ClassVar[dict] = {}
    extra_fields: ClassVar[dict[str, type]] = {}
    feed_content_type: ClassVar[str] = "link"  # what an item of this channel's feed is, unless read otherwise

    def render(self, post: PostContent) -> Draft:
        raise NotImplementedError

    def check(self, post: PostContent, draft: Draft) -> tuple[Length | None, list[Problem]]:
        return None, []

    def validate(self, post: PostContent) -> Validation:
        """Never raises for bad content: the editor and the API show every finding instead of a 500."""
        extra_problems = self.check_extra(post.extra)
        if any(p.severity == ERROR for p in extra_problems):
            return Validation(None, None, tuple(extra_problems))
        try:
            draft = self.render(post)
        except RenderError as error:
            return Validation(None, None, (Problem(error.code, str(error), field=error.field),))
        length, problems = self.check(post, draft)
        return Validation(draft, length, tuple(extra_problems) + tuple(problems))

    def check_extra(self, extra: Mapping) -> list[Problem]:
        """Extra fields of the wrong type would crash render(): errors that name them. Attachments
        are checked item by item, and an image without alt text is a warning."""
        problems = []
        for name, kind in self.extra_fields.items():
            value = extra.get(name)
            if value is None:
                continue
            if kind is Media:
                problems += media_problems(name, value)
            elif kind is list and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                problems.append(
                    Problem(f"invalid_{name}", _("%(name)s must be a list of texts", name=name), field=name)
                )
            elif kind is not list and not isinstance(value, kind):
                problems.append(
                    Problem(
                        f"invalid_{name}",
                        _("%(name)s must be a %(kind)s", name=name, kind=kind.__name__),
                        field=name,
                    )
                )
        return problems

    def adapt(self, source: PostContent) -> PostContent:
        """A post from another channel, reshaped for this one; the base keeps text, title and link."""
        return PostContent(
            channel=self.name,
            body=source.body,
            title=source.title,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
        )

    # what connecting an account asks for (the accounts page builds its form from these)
    account_fields: ClassVar[tuple[AccountField, ...]] = ()

    def account_problems(self, settings: Mapping, secrets_given: bool) -> dict[str, str]:
        """What is wrong with an account's settings taken together, by field name ({} when nothing is):
        the app refuses to save such an account. ``secrets_given``: whether any secret is set."""
        return {}

    def deliver(self, draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
        if context.mode == "outbox":
            return write_to_outbox(draft, post, Path(context.outbox_dir))
        if context.mode != "live":
            return Outcome.rejected(_("unknown delivery mode %(mode)s; use outbox or live", mode=repr(context.mode)))
        if self.account_fields and context.account is None:
            return Outcome.unauthorized(
                _("no %(channel)s account is connected: connect one on the Accounts page", channel=_(self.label))
            )
        try:
            return self.deliver_live(draft, post, context)
        except DeliveryFailure as failure:
            return failure.outcome

    def deliver_live(self, draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
        """Publish to the real service; every channel with a live API overrides this."""
        return Outcome.rejected(
            _("%(channel)s has no live delivery; use REFRAIN_DELIVERY=outbox", channel=_(self.label))
        )

    def check_connection(self, context: DeliveryContext) -> Outcome:
        """Whether the account in ``context`` works, asked of the service without publishing anything
        (the accounts page's "Test connection", and connecting an account): ``published`` when it does
        (the message says as whom), ``unauthorized`` when the service refuses the credentials,
        ``rejected`` when the settings cannot work (not that service, a missing setting), ``retry``
        when the service cannot be reached now."""
        if not self.account_fields:
            return Outcome.published(message=_("%(channel)s needs no account", channel=_(self.label)))
        return Outcome.rejected(_("%(channel)s has no connection test", channel=_(self.label)))

    def schedules_ahead(self, account: Account | None) -> bool:
        """Whether this channel (with this account) can take a post before its time and publish it by
        itself at that time (WordPress ``future``, YouTube ``publishAt``): a post may then be handed
        over as soon as it is scheduled, and goes out even if Refrain is down at its time."""
        return False

    def withdraw(self, post: PostContent, context: DeliveryContext) -> Outcome:
        """Take back a post handed over ahead of its time (``post.remote_id``), when it is cancelled:
        ``published`` when the service no longer holds it as scheduled."""
        return Outcome.rejected(_("%(channel)s cannot withdraw a post it was given", channel=_(self.label)))

    def read_feed_entry(self, entry: Mapping) -> dict:
        """A feedparser entry as a content item of this channel:
        {"remote_id", "title", "link", "summary", "published_at" (aware UTC or None), "content_type",
        "media": [{"url", "type", "alt"}], "metrics": {name: number}} (see ``feeds``)."""
        return feeds.content_item(entry, self.feed_content_type)


def identity_marker(post_id: int) -> str:
    """The mark a delivered object carries, where its service allows, so that a lost answer is resolved
    by Refrain's post id alone (never by a title or a slug), and a post Refrain did not write is never
    taken for one of its own. The same text as the idempotency key services that honour one get."""
    return f"refrain-post-{post_id}"


def media_problems(name: str, value) -> list[Problem]:
    if not isinstance(value, list):
        return [
            Problem(
                f"invalid_{name}",
                _(
                    "%(name)s must be a list of attachments, each with a url, a type (%(types)s) and alt text",
                    name=name,
                    types=", ".join(t for t in MEDIA_TYPES if t),
                ),
                field=name,
            )
        ]
    problems = []
    for number, item in enumerate(value, start=1):
        wrong = attachment_fault(item, number)
        if wrong:
            problems.append(Problem(f"invalid_{name}", wrong, field=name))
        elif item.get("type") == "image" and not str(item.get("alt") or "").strip():
            problems.append(
                Problem(
                    "image_without_alt",
                    _(
                        "image %(number)s (%(url)s) has no alt text: describe it for readers who cannot see it",
                        number=number,
                        url=item["url"],
                    ),
                    severity=WARNING,
                    field=name,
                )
            )
    return problems


def media_count_problems(media: list, most: int, label: str) -> list[Problem]:
    if len(media) <= most:
        return []
    return [
        Problem(
            "too_many_media",
            _(
                "%(channel)s takes at most %(most)s attachments (this post has %(count)s)",
                channel=_(label),
                most=most,
                count=len(media),
            ),
            field="media",
        )
    ]


def attachment_fault(item, number: int) -> str:
    """What is wrong with attachment ``number``, in a sentence, or "" when nothing is."""
    if not isinstance(item, Mapping):
        return _("attachment %(number)s must be an object with a url, a type and alt text", number=number)
    if not isinstance(item.get("url"), str) or not item["url"].strip():
        return _("attachment %(number)s needs a url", number=number)
    if item.get("type", "") not in MEDIA_TYPES:
        return _(
            "attachment %(number)s has type %(type)s; use one of %(types)s",
            number=number,
            type=repr(item.get("type")),
            types=", ".join(repr(t) for t in MEDIA_TYPES),
        )
    if not isinstance(item.get("alt", ""), str):
        return _("attachment %(number)s has alt text that is not a text", number=number)
    return ""


def write_to_outbox(draft: Draft, post: PostContent, outbox_dir: Path) -> Outcome:
    """Atomically, named by post id: a repeated delivery replaces the file and never adds a second."""
    if post.id is None:
        return Outcome.rejected(_("only a saved post (one with an id) can be delivered"))
    folder = outbox_dir / draft.channel
    target = folder / f"{post.id}.json"
    record = {
        "post_id": post.id,
        "channel": draft.channel,
        "delivered_at": datetime.now(timezone.utc).isoformat(),
        "draft": draft.payload,
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(target, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as error:
        return Outcome.retry(_("could not write to the outbox: %(error)s", error=error))
    return Outcome.published(remote_id=target.name, url=target.as_uri())
