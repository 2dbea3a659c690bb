"""Customer interactions: logged in seconds, listed with filters, and the team's own kinds of them.

An interaction happens on a channel Refrain publishes to (a reply on Twitter, a comment under a video)
or on one it doesn't (the phone, the support mailbox, a chat, the shop counter): ``channel_names`` is
both. Its kind is one of the team's list (``interaction_kinds``), which managers add to and rename; a
kind is named in the API by its name, matched the way people type it ("Refund requests",
"refund_request"). The author is whoever is signed in (``services.actor``), never a name in the body.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

import channels.registry as channel_registry
from scheduler.domain.interactions_csv import CHANNEL_WORDS, lookup_key
from scheduler.domain.language import N_, _
from scheduler.domain.links import web_link
from scheduler.models import Interaction, InteractionKind
from scheduler.models.database import db
from scheduler.services import actor, clock
from scheduler.services.errors import Malformed, NotFound
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader, is_id, parse_instant

# channels Refrain does not publish to, where customers still talk to the team
OFFLINE_CHANNELS = {
    "phone": N_("Phone"),
    "email_support": N_("Email support"),
    "chat": N_("Chat"),
    "in_person": N_("In person"),
}
RESOLUTIONS = ("positive", "negative")
COMMENT_LIMIT = 4000
KIND_NAME_LIMIT = 60
LIST_LIMIT = 200
FUTURE_SLACK = timedelta(minutes=5)  # a phone's clock a little ahead is not a time in the future


# --- channels ------------------------------------------------------------------------------------------


def channel_names() -> list[str]:
    return [*channel_registry.names(), *(n for n in OFFLINE_CHANNELS if n not in channel_registry.names())]


def channel_label(name: str) -> str:
    if name in OFFLINE_CHANNELS:
        return _(OFFLINE_CHANNELS[name])
    try:
        return channel_registry.get(name).label
    except KeyError:
        return name


def channel_choices() -> list[tuple[str, str]]:
    return [(name, channel_label(name)) for name in channel_names()]


def channel_lookup() -> dict[str, str]:
    """Every way a file or a person may name a channel (its name, its label, a help desk's word for it)."""
    found = {}
    for name in channel_names():
        found[lookup_key(name)] = name
        found.setdefault(lookup_key(channel_label(name)), name)
        if name in OFFLINE_CHANNELS:  # a file in English, whoever imports it
            found.setdefault(lookup_key(OFFLINE_CHANNELS[name]), name)
    for name, words in CHANNEL_WORDS.items():
        if name in found.values():
            for word in words:
                found.setdefault(lookup_key(word), name)
    return found


def why_unknown_channel(name) -> str | None:
    if isinstance(name, str) and name in channel_names():
        return None
    return _("must be one of %(names)s", names=", ".join(channel_names()))


# --- kinds ---------------------------------------------------------------------------------------------


def list_kinds() -> list[InteractionKind]:
    return list(db.session.scalars(select(InteractionKind).order_by(InteractionKind.id)))


def kind_lookup() -> dict[str, str]:
    return {lookup_key(k.name): k.name for k in list_kinds()}


def get_kind(kind_id) -> InteractionKind:
    kind = db.session.get(InteractionKind, kind_id) if is_id(kind_id) else None
    if kind is None:
        raise NotFound("interaction_kind", _("interaction kind %(id)s not found", id=kind_id))
    return kind


def kind_named(name) -> InteractionKind | None:
    """The kind ``name`` names, however it is typed; None when it names none."""
    if not isinstance(name, str) or not name.strip():
        return None
    wanted = lookup_key(name)
    kinds = {lookup_key(k.name): k for k in list_kinds()}
    return kinds.get(wanted) or (kinds.get(wanted[:-1]) if wanted.endswith("s") else None)


def _kind_problem(name) -> str:
    return _("must be one of the team's kinds: %(kinds)s", kinds=", ".join(k.name for k in list_kinds()))


def _read_kind_name(reader: Reader, current: InteractionKind | None = None) -> str:
    name = " ".join(reader.text("name", max_length=KIND_NAME_LIMIT).split())
    if name:
        same = kind_named(name)
        if same is not None and same is not current:  # "Complaints" is "complaint" again
            reader.fail("name", _("is already a kind (%(kind)s)", kind=repr(same.name)))
    reader.done()
    return name


@unit_of_work
def create_kind(data) -> InteractionKind:
    kind = InteractionKind(name=_read_kind_name(Reader(data)))
    db.session.add(kind)
    db.session.flush()
    return kind


@unit_of_work
def rename_kind(kind: InteractionKind, data) -> InteractionKind:
    """A new name; every interaction of the kind, and every script linked to it, follows."""
    kind.name = _read_kind_name(Reader(data), kind)
    return kind


def kind_counts() -> dict[int, int]:
    return dict(db.session.execute(select(Interaction.kind_id, func.count()).group_by(Interaction.kind_id)).all())


def kind_dict(kind: InteractionKind, count: int | None = None) -> dict:
    found = {"id": kind.id, "name": kind.name}
    if count is not None:
        found["interactions"] = count
    return found


# --- interactions --------------------------------------------------------------------------------------


@unit_of_work
def log_interaction(data) -> Interaction:
    """One interaction, as the signed-in person logs it (the time is now unless given)."""
    reader = Reader(data)
    channel = reader.text("channel", max_length=40)
    if channel and why_unknown_channel(channel):
        reader.fail("channel", why_unknown_channel(channel))
    kind_name = reader.text("kind", max_length=200)
    kind = kind_named(kind_name)
    if kind_name and kind is None:
        reader.fail("kind", _kind_problem(kind_name))
    resolution = reader.choice("resolution", RESOLUTIONS)
    comment = reader.text("comment", required=False, max_length=COMMENT_LIMIT)
    link = reader.text("link", required=False, max_length=2000)
    if link and not web_link(link):
        reader.fail("link", _("must be a web address (http or https)"))
    customer = reader.text("customer", required=False, max_length=200)
    when = reader.instant("occurred_at", required=False) or clock.now()
    if when > clock.now() + FUTURE_SLACK:
        reader.fail("occurred_at", _("is in the future: log what already happened"))
    reader.done()
    who = actor.current()
    interaction = Interaction(
        channel=channel,
        kind=kind,
        negative=resolution == "negative",
        comment=comment,
        link=link,
        customer=customer,
        occurred_at=when,
        occurred_on=when.astimezone(timezone.utc).date(),
        author_id=who.id,
        author_name=who.name[:254],
    )
    db.session.add(interaction)
    db.session.flush()
    return interaction


def moment(text, name: str, *, end_of_day: bool = False) -> datetime | None:
    """A filter's date (its UTC day: from its start, or to its end) or time with an offset."""
    if text is None or text == "":
        return None
    if isinstance(text, str) and len(text.strip()) == 10:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise Malformed({name: _("must be a date (2031-01-31) or a time with an offset")}) from None
        return datetime.combine(day + timedelta(days=end_of_day), time(), timezone.utc)
    problems = []
    parsed = parse_instant(text, problems.append)
    if parsed is None:
        raise Malformed({name: _("must be a date (2031-01-31) or a time with an offset")})
    return parsed


def filters(args) -> dict:
    """The list's filters from a query string; a filter that names nothing is refused (400)."""
    found = {}
    channel = args.get("channel") or None
    if channel is not None:
        if why_unknown_channel(channel):
            raise Malformed({"channel": why_unknown_channel(channel)})
        found["channel"] = channel
    kind_name = args.get("kind") or None
    if kind_name is not None:
        kind = kind_named(kind_name)
        if kind is None:
            raise Malformed({"kind": _kind_problem(kind_name)})
        found["kind_id"] = kind.id
    resolution = args.get("resolution") or None
    if resolution is not None:
        if resolution not in RESOLUTIONS:
            raise Malformed({"resolution": _("must be positive or negative")})
        found["negative"] = resolution == "negative"
    found["since"] = moment(args.get("since"), "since")
    found["until"] = moment(args.get("until"), "until", end_of_day=True)
    limit = str(args.get("limit") or LIST_LIMIT)
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise Malformed({"limit": _("must be a whole number from %(least)s to %(most)s", least=1, most=1000)})
    found["limit"] = int(limit)
    return found


def list_interactions(
    *,
    channel: str | None = None,
    kind_id: int | None = None,
    negative: bool | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = LIST_LIMIT,
) -> list[Interaction]:
    """Newest first. ``until`` is exclusive (a day's filter ends at the next day's start)."""
    query = select(Interaction).order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit)
    if channel is not None:
        query = query.where(Interaction.channel == channel)
    if kind_id is not None:
        query = query.where(Interaction.kind_id == kind_id)
    if negative is not None:
        query = query.where(Interaction.negative.is_(negative))
    if since is not None:
        query = query.where(Interaction.occurred_at >= since)
    if until is not None:
        query = query.where(Interaction.occurred_at < until)
    return list(db.session.scalars(query))


def interactions_by_id(ids) -> list[Interaction]:
    wanted = [i for i in ids if is_id(i)][:500]
    if not wanted:
        return []
    query = select(Interaction).where(Interaction.id.in_(wanted)).order_by(Interaction.occurred_at.desc())
    return list(db.session.scalars(query))


def interaction_dict(interaction: Interaction) -> dict:
    return {
        "id": interaction.id,
        "channel": interaction.channel,
        "kind": interaction.kind.name,
        "resolution": "negative" if interaction.negative else "positive",
        "comment": interaction.comment or "",
        "link": interaction.link or None,
        "customer": interaction.customer or None,
        "occurred_at": interaction.occurred_at.isoformat(),
        "author": {"id": interaction.author_id, "name": interaction.author_name} if interaction.author_name else None,
        "source": interaction.source,
    }
