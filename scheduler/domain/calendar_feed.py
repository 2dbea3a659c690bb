"""A plan's calendar feed as plain events: what a calendar app shows of each post and of what is owed.

Pure: the service reads the posts and the compliance report, this module decides what each becomes
(an event at the post's time, or an all-day reminder over a period still owed posts), and
``infra.ical`` writes the events as RFC 5545. Keeping the decisions here lets them be tested without
a database or the icalendar library, and keeps every sentence a person reads in one place.

Which posts: every post with a time that is meant to go out or went out (``SHOWN``). A draft with a
time is shown too, as TENTATIVE: a team fills the calendar with drafts first, and hiding them would make
the subscribed calendar look emptier than the plan is. Cancelled posts are left out: the whole feed is
made afresh on every read, so an event that disappears is gone from the subscriber's calendar too.

UIDs are stable (``post-<id>@<host>``, ``owed-<plan>-<channel>-<first day>@<host>``) so a calendar
app updates an event in place when its post moves or changes, never duplicating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduler.domain import formats, statuses
from scheduler.domain.language import _, ngettext

DURATION = timedelta(minutes=15)  # a post is an instant; a calendar needs a span to draw it
SUMMARY_LENGTH = 60  # the first words of a post without a title
TEXT_LENGTH = 1000  # of a post's text in the event's description: a blog article is not a calendar note

# the statuses shown, and how a calendar app is told how sure each is
CONFIRMED, TENTATIVE = "CONFIRMED", "TENTATIVE"
EVENT_STATUS = {
    statuses.DRAFT: TENTATIVE,
    statuses.IN_REVIEW: TENTATIVE,
    statuses.SCHEDULED: CONFIRMED,
    statuses.QUEUED: CONFIRMED,
    statuses.PUBLISHING: CONFIRMED,
    statuses.PUBLISHED: CONFIRMED,
    statuses.UNCONFIRMED: CONFIRMED,
    statuses.FAILED: CONFIRMED,  # it was meant for that time; its summary says it failed
}
SHOWN = frozenset(EVENT_STATUS)
# statuses a glance at the calendar should catch: said in the summary too
NOTED_IN_SUMMARY = frozenset({statuses.DRAFT, statuses.IN_REVIEW, statuses.FAILED, statuses.UNCONFIRMED})

# what is owed in a period, by its length and whether the posts must be on theme (one whole sentence each,
# for the translators: "this week" is not said the same way in every sentence of every language)
OWED_WORDS = {
    ("day", False): lambda n, channel: ngettext(
        "%(channel)s: %(num)s more post needed on this day",
        "%(channel)s: %(num)s more posts needed on this day",
        n,
        channel=channel,
    ),
    ("day", True): lambda n, channel: ngettext(
        "%(channel)s: %(num)s more on-theme post needed on this day",
        "%(channel)s: %(num)s more on-theme posts needed on this day",
        n,
        channel=channel,
    ),
    ("week", False): lambda n, channel: ngettext(
        "%(channel)s: %(num)s more post needed this week",
        "%(channel)s: %(num)s more posts needed this week",
        n,
        channel=channel,
    ),
    ("week", True): lambda n, channel: ngettext(
        "%(channel)s: %(num)s more on-theme post needed this week",
        "%(channel)s: %(num)s more on-theme posts needed this week",
        n,
        channel=channel,
    ),
    ("month", False): lambda n, channel: ngettext(
        "%(channel)s: %(num)s more post needed this month",
        "%(channel)s: %(num)s more posts needed this month",
        n,
        channel=channel,
    ),
    ("month", True): lambda n, channel: ngettext(
        "%(channel)s: %(num)s more on-theme post needed this month",
        "%(channel)s: %(num)s more on-theme posts needed this month",
        n,
        channel=channel,
    ),
    ("quarter", False): lambda n, channel: ngettext(
        "%(channel)s: %(num)s more post needed in this plan",
        "%(channel)s: %(num)s more posts needed in this plan",
        n,
        channel=channel,
    ),
    ("quarter", True): lambda n, channel: ngettext(
        "%(channel)s: %(num)s more on-theme post needed in this plan",
        "%(channel)s: %(num)s more on-theme posts needed in this plan",
        n,
        channel=channel,
    ),
}


@dataclass(frozen=True)
class FeedPlan:
    id: int
    name: str
    timezone: str
    starts_on: date
    ends_on: date  # inclusive


@dataclass(frozen=True, slots=True)
class FeedPost:
    """What the feed shows of a post (plain columns: a plan may hold tens of thousands)."""

    id: int
    channel: str
    title: str
    body: str
    status: str
    scheduled_at: datetime  # aware, UTC
    updated_at: datetime  # aware, UTC


@dataclass(frozen=True)
class Owed:
    """A current or future period of a channel whose commitment is not met yet."""

    channel: str
    per: str
    first_day: date
    last_day: date  # inclusive
    posts_needed: int
    on_theme_needed: int


@dataclass(frozen=True)
class Event:
    """One VEVENT. A post's is timed (``starts_at``, in UTC, for ``duration``); a reminder is all-day
    (``first_day`` to ``last_day``, the plan's local dates, inclusive)."""

    uid: str
    summary: str
    description: str
    category: str
    stamp: datetime  # when its information last changed (DTSTAMP and LAST-MODIFIED)
    status: str = CONFIRMED
    url: str = ""
    starts_at: datetime | None = None
    duration: timedelta | None = None
    first_day: date | None = None
    last_day: date | None = None

    @property
    def all_day(self) -> bool:
        return self.starts_at is None


@dataclass(frozen=True)
class Feed:
    name: str  # X-WR-CALNAME
    timezone: str  # X-WR-TIMEZONE
    events: list[Event]


def owed_periods(report_row: dict) -> list[Owed]:
    """The current and future periods of one channel of the compliance report (its ``period_details``)
    that still need posts, or on-theme posts: short or below the floor, not met yet."""
    owed = []
    for period in report_row["period_details"]:
        if period["timing"] == "past" or period["status"] not in ("short", "below_floor"):
            continue
        owed.append(
            Owed(
                channel=report_row["channel"],
                per=report_row["per"],
                first_day=date.fromisoformat(period["first_day"]),
                last_day=date.fromisoformat(period["last_day"]),
                posts_needed=max(period["committed"] - period["posts"], 0),
                on_theme_needed=max(report_row["on_theme_min"] - period["on_theme"], 0),
            )
        )
    return owed


def feed(
    plan: FeedPlan,
    posts: list[FeedPost],
    owed: list[Owed],
    *,
    labels: dict[str, str],
    editor_url: str,
    host: str,
    now: datetime,
    channel: str | None = None,
) -> Feed:
    """The plan's feed (``channel``: that channel's only). ``labels``: each channel's name as people read
    it; ``editor_url``: the address of the post pages (a post's is ``<editor_url>/<id>``)."""
    label = lambda name: labels.get(name, name)  # noqa: E731
    events = [
        post_event(p, label(p.channel), f"{editor_url}/{p.id}", host, plan.timezone)
        for p in posts
        if p.status in SHOWN and (channel is None or p.channel == channel)
    ]
    events += [
        owed_event(o, label(o.channel), plan.id, host, now) for o in owed if channel is None or o.channel == channel
    ]
    name = plan.name if channel is None else _("%(plan)s: %(channel)s", plan=plan.name, channel=label(channel))
    return Feed(name=name, timezone=plan.timezone, events=events)


def post_event(post: FeedPost, label: str, url: str, host: str, zone: str) -> Event:
    status_word = _(statuses.LABELS.get(post.status, post.status))
    summary = f"[{label}] {headline(post.title, post.body)}"
    if post.status in NOTED_IN_SUMMARY:
        summary = _("%(summary)s (%(status)s)", summary=summary, status=status_word)
    lines = [
        _("Status: %(status)s", status=status_word),
        _("Channel: %(channel)s", channel=label),
        _("Time: %(when)s (%(zone)s)", when=formats.instant(post.scheduled_at, zone), zone=zone),
        _("Edit it in Refrain: %(url)s", url=url),
    ]
    text = "\n\n".join(part for part in (post.title.strip(), cut(post.body.strip(), TEXT_LENGTH)) if part)
    return Event(
        uid=f"post-{post.id}@{host}",
        summary=summary,
        description="\n".join(lines) + ("\n\n" + text if text else ""),
        category=label,
        stamp=post.updated_at,
        status=EVENT_STATUS.get(post.status, CONFIRMED),
        url=url,
        starts_at=post.scheduled_at,
        duration=DURATION,
    )


def owed_event(owed: Owed, label: str, plan_id: int, host: str, now: datetime) -> Event:
    said = []
    if owed.posts_needed:
        said.append(OWED_WORDS[owed.per, False](owed.posts_needed, label))
    if owed.on_theme_needed:
        said.append(OWED_WORDS[owed.per, True](owed.on_theme_needed, label))
    if owed.on_theme_needed >= owed.posts_needed:
        said.reverse()  # the on-theme posts owed are enough to meet both: that is the one to say first
    return Event(
        uid=f"owed-{plan_id}-{owed.channel}-{owed.first_day.isoformat()}@{host}",
        summary=said[0] if said else label,
        description="\n".join(said),
        category=label,
        stamp=now.replace(minute=0, second=0, microsecond=0),  # the hour: kept written for an hour (infra.ical)
        status=TENTATIVE,
        first_day=owed.first_day,
        last_day=owed.last_day,
    )


def headline(title: str, body: str) -> str:
    """The title, else the first words of the text (whitespace folded), cut at ``SUMMARY_LENGTH``."""
    return cut(" ".join((title or "").split()) or " ".join((body or "").split()), SUMMARY_LENGTH) or "…"


def cut(text: str, most: int) -> str:
    """``text`` cut at a word's end before ``most`` characters (mid-word where words have no spaces)."""
    if len(text) <= most:
        return text
    kept = text[: most - 1]
    space = kept.rfind(" ")
    if space > most // 2:
        kept = kept[:space]
    return kept.rstrip() + "…"
