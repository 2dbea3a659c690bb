"""The post editor's form: the common fields, then each channel's own (``adapter.extra_fields``).

The time is typed on the plan's clock in a datetime-local field; a time the clocks skip or show twice
is not shifted silently: ``time_notice`` says where it goes, and the page shows it.
"""

from datetime import datetime
from typing import ClassVar
from urllib.parse import urlsplit

from flask_babel import lazy_gettext
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField

from channels.base import Media
from channels.sanitising import ALLOW_LISTS
from scheduler.domain.language import _
from scheduler.services import utm
from scheduler.services.validation import about_offsets, parse_wall_clock
from scheduler.web.formatting import FORM_TIME, local_time
from scheduler.web.forms import PageForm, options

LINE_FIELDS = {"headlines", "descriptions"}  # one per line; other list fields are comma-separated
EXTRA_LABELS = {
    "thread": lazy_gettext("Split into a thread when it is too long"),
    "media": lazy_gettext("Images and videos"),
    "path1": lazy_gettext("Display path 1"),
    "path2": lazy_gettext("Display path 2"),
    "ad_group": lazy_gettext("Ad group"),
    "category_id": lazy_gettext("Category id"),
    "descriptions": lazy_gettext("Descriptions"),
    "headlines": lazy_gettext("Headlines"),
    "preheader": lazy_gettext("Preheader"),
    "security": lazy_gettext("Security"),
    "spoiler_text": lazy_gettext("Spoiler text"),
    "status": lazy_gettext("Status"),
    "tags": lazy_gettext("Tags"),
    "video_id": lazy_gettext("Video id"),
    "visibility": lazy_gettext("Visibility"),
}
TITLE_LABELS = {"newsletter": lazy_gettext("Subject")}
TITLE_NOTES = {"twitter": lazy_gettext("not shown on X / Twitter")}
BODY_LABELS = {"youtube": lazy_gettext("Description")}
LINK_LABELS = {"ppc": lazy_gettext("Final URL")}
LONG_BODIES = {"blog", "newsletter"}
TIME_MESSAGE = lazy_gettext("must be a date and a time, such as 2031-09-01 10:00")


def time_from_form(text: str | None, plan, kept=None) -> tuple[str | None, str | None]:
    """A time typed on the plan's clock → (the service's ISO instant, the notice to show).

    A time left as the form showed it keeps ``kept`` (the post's instant), so saving an edit to the
    text never moves a post (its seconds, or the second of two repeated 01:30s, cannot be typed in
    the field). Text that is not a date and time goes to the service as it is, which refuses it.
    """
    text = (text or "").strip()
    if not text:
        return None, None
    if kept is not None and text == local_time(kept, plan, FORM_TIME):
        return kept.isoformat(), None
    reading = parse_wall_clock(text, plan.timezone)
    if reading is None:
        return text, None
    return reading.utc.isoformat(), reading.notice


class TimeOnPlanClock:
    """For forms with a datetime-local field on the plan's clock: the service's words about the
    instant (ISO 8601, offsets) become words about the field people typed in."""

    def reworded(self, name: str, problem: str) -> str:
        return str(TIME_MESSAGE) if name == "scheduled_at" and about_offsets(problem) else problem


VIDEO_ENDINGS = (".mp4", ".webm", ".mov", ".m4v")  # the media library names its videos so (services.media)


def media_from_lines(text: str | None) -> list[dict]:
    """The form's media field: one per line, "address | alt text"; a video by its address's ending (the
    picker writes the library's addresses, whose endings come from the file's content)."""
    found = []
    for line in (text or "").replace("\r", "").split("\n"):
        url, _, alt = line.partition("|")
        if url.strip():
            kind = "video" if urlsplit(url.strip()).path.lower().endswith(VIDEO_ENDINGS) else "image"
            found.append({"url": url.strip(), "type": kind, "alt": alt.strip()})
    return found


def _separator(name: str) -> str:
    return "\n" if name in LINE_FIELDS else ","


def extra_field(name: str, kind: type):
    """The field for one of a channel's own fields; ``data-extra`` tells the editor's live check how
    to read it as the service does (static/refrain.js)."""
    if kind is bool:
        return BooleanField(EXTRA_LABELS.get(name, name), render_kw={"data-extra": "bool"})
    if kind is Media:
        return TextAreaField(
            EXTRA_LABELS.get(name, name.capitalize()),
            description=lazy_gettext("one per line: address | alt text; or choose them from the media library"),
            render_kw={
                "data-extra": "media",
                "rows": 2,
                "placeholder": lazy_gettext("https://example.com/summer.png | A beach at dawn"),
            },
        )
    if kind is list:
        lines = name in LINE_FIELDS
        return TextAreaField(
            EXTRA_LABELS.get(name, name.capitalize()),
            description=lazy_gettext("one per line") if lines else lazy_gettext("comma-separated"),
            render_kw={"data-extra": "lines" if lines else "comma", "rows": 4 if lines else 1},
        )
    return StringField(EXTRA_LABELS.get(name, name.replace("_", " ").capitalize()), render_kw={"data-extra": "text"})


def extra_input(kind: type, name: str, value):
    if kind is bool:
        return bool(value)
    if kind is Media:
        return media_from_lines(value) or None
    if kind is list:
        return [item.strip() for item in (value or "").replace("\r", "").split(_separator(name)) if item.strip()]
    return (value or "").strip() or None


def extra_value(kind: type, name: str, value):
    """A stored extra value as its field shows it."""
    if kind is Media:
        return "\n".join(f"{m.get('url', '')} | {m.get('alt', '')}" for m in value or [])
    if kind is list:
        return ("\n" if name in LINE_FIELDS else ", ").join(value or [])
    if kind is bool:
        return bool(value)
    return value or ""


class PostForm(TimeOnPlanClock, PageForm):
    service_names = {"scheduled_at": "scheduled_local", "on_theme": "theme"}
    extras: ClassVar[dict[str, type]] = {}

    plan_id = HiddenField(lazy_gettext("Plan"))
    channel = HiddenField(lazy_gettext("Channel"))
    title = StringField(lazy_gettext("Title"))
    body = TextAreaField(lazy_gettext("Text"))
    link = StringField(lazy_gettext("Link"), render_kw={"placeholder": "https://"})
    scheduled_local = StringField(lazy_gettext("When"), render_kw={"type": "datetime-local"})
    theme = RadioField(
        lazy_gettext("Theme"),
        choices=options(
            [
                ("auto", lazy_gettext("let the keywords decide")),
                ("on", lazy_gettext("on theme")),
                ("off", lazy_gettext("off theme")),
            ]
        ),
        validate_choice=False,
    )
    action = StringField()  # from the button pressed: save, schedule, unschedule, cancel, confirm, send_again
    url = StringField(
        lazy_gettext("URL where it appeared"),
        render_kw={"placeholder": lazy_gettext("URL where it appeared"), "class": "small-url"},
    )
    trusted_html = BooleanField(
        lazy_gettext("Trusted HTML"),
        description=lazy_gettext(
            "its raw HTML (an embed, a script) reaches the channel as written, not cleaned; a creator's "
            "later change to the text or title clears the mark"
        ),
    )
    tag_link = BooleanField(
        lazy_gettext("Tag the link with the plan's UTM tags")
    )  # its description: the tags (post_form)
    time_notice: str | None = None
    hand_over_early = BooleanField(lazy_gettext("Hand over ahead of time"))  # labelled with the channel's service below
    offers_hand_over = False  # shown (and read) only where the service can hold the post until its time
    offers_trust = False  # a manager's editor, on a channel that gets HTML (post_form)

    def extra_fields(self) -> list:
        return [self[name] for name in self.extras]

    def in_page_order(self) -> list:
        offered = [self.hand_over_early] if self.offers_hand_over else []
        fields = [self.title, self.body, self.link, self.tag_link, *self.extra_fields(), self.trusted_html]
        fields.append(self.scheduled_local)
        return [*fields, *offered, self.theme, self.url]

    def service_input(self, plan, post=None) -> dict:
        """What the services take; the scheduled time read on the plan's clock (``time_notice``)."""
        scheduled_at, self.time_notice = time_from_form(
            self.scheduled_local.data, plan, post.scheduled_at if post is not None else None
        )
        link = self.link.data or ""
        if self.tag_link.data:  # asked for: the plan's tags on the link, the ones it has kept
            link = utm.tagged_for_plan(link, plan, self.channel.data or "")
        data = {
            "title": self.title.data or "",
            "body": self.body.data or "",
            "link": link,
            "on_theme": {"on": True, "off": False}.get(self.theme.data),
            "scheduled_at": scheduled_at,
            "extra": {name: extra_input(kind, name, self[name].data) for name, kind in self.extras.items()},
        }
        if self.offers_hand_over:
            data["hand_over_early"] = bool(self.hand_over_early.data)
        if self.offers_trust:  # an unticked box is not sent at all: only a form that shows it may say so
            data["trusted_html"] = bool(self.trusted_html.data)
        return data


def post_form_class(adapter) -> type[PostForm]:
    """The editor's form for one channel: the common fields named as the channel names them, and its own."""
    fields = {name: extra_field(name, kind) for name, kind in adapter.extra_fields.items()}
    fields["title"] = StringField(
        TITLE_LABELS.get(adapter.name, lazy_gettext("Title")), description=TITLE_NOTES.get(adapter.name)
    )
    fields["body"] = TextAreaField(
        BODY_LABELS.get(adapter.name, lazy_gettext("Text")),
        render_kw={"rows": 12 if adapter.name in LONG_BODIES else 5},
    )
    fields["link"] = StringField(
        LINK_LABELS.get(adapter.name, lazy_gettext("Link")), render_kw={"placeholder": "https://"}
    )
    fields["hand_over_early"] = BooleanField(
        lazy_gettext(
            "Hand over to %(service)s as soon as it is scheduled, so it goes out even if Refrain is down",
            service=adapter.label,
        )
    )

    class ChannelPostForm(PostForm):
        extras = dict(adapter.extra_fields)

    for name, field in fields.items():
        setattr(ChannelPostForm, name, field)
    return ChannelPostForm


def post_form(
    adapter, plan, post=None, at: datetime | None = None, hand_over: bool = False, trust: bool = False
) -> PostForm:
    """The editor's form: what was posted, else the post as saved, else a new one (at ``at``, the time
    proposed for it: "+" on a calendar day proposes that day's next free slot).
    ``hand_over``: the channel's service can hold the post until its time (the option is offered);
    ``trust``: the person may mark the post as trusted HTML (a manager), shown where the channel gets HTML."""
    values = {}
    if post is not None:
        extra = post.extra or {}
        values |= {
            "trusted_html": bool(post.trusted_html),
            "title": post.title,
            "body": post.body,
            "link": post.link,
            "theme": "auto" if post.theme_source == "keywords" else ("on" if post.on_theme else "off"),
            "scheduled_local": local_time(post.scheduled_at, plan, FORM_TIME),
            "hand_over_early": bool(post.hand_over_early),
        }
        values |= {name: extra_value(kind, name, extra.get(name)) for name, kind in adapter.extra_fields.items()}
    elif at is not None:
        values["scheduled_local"] = local_time(at, plan, FORM_TIME)
    form = post_form_class(adapter).shown(values)
    form.offers_hand_over = hand_over
    form.offers_trust = trust and adapter.name in ALLOW_LISTS
    form.plan_id.data, form.channel.data = plan.id, adapter.name  # what the page is about, whatever was posted
    form.tag_link.description = _(  # not lazy: a lazy string reaches the page unescaped, and the tags are typed
        "adds %(tags)s where the link has no tag of its own", tags=utm.tags_in_words(plan, adapter.name)
    )
    form.theme.data = form.theme.data or "auto"
    return form
