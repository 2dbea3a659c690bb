"""The contests' forms: a contest as a manager opens it, an idea, the posts that tried an idea, and a
post's follows."""

import re

from flask_babel import lazy_gettext
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField

from scheduler.domain.contests import METRICS
from scheduler.web.forms import PageForm, channel_options, options

KIND_LABELS = {
    "posts": lazy_gettext("People, by their posts' metric"),
    "ideas": lazy_gettext("Ideas, by the posts that tried them"),
}


def id_list(text: str | None):
    """'12, 15 17' as [12, 15, 17]; anything else goes to the service as typed, which names the field."""
    words = [w for w in re.split(r"[\s,;]+", text or "") if w]
    return [int(w) for w in words] if all(w.isdigit() for w in words) else words


class ContestForm(PageForm):
    name = StringField(lazy_gettext("Name"), render_kw={"placeholder": lazy_gettext("e.g. Best visual of June")})
    description = TextAreaField(lazy_gettext("What it is about"), render_kw={"rows": 2})
    kind = SelectField(lazy_gettext("Ranks"), choices=options(KIND_LABELS.items()), validate_choice=False)
    metric = SelectField(
        lazy_gettext("Metric"),
        choices=options((name, lazy_gettext(label)) for name, label in METRICS.items()),
        validate_choice=False,
    )
    channels = SelectMultipleField(
        lazy_gettext("Channels"), description=lazy_gettext("none chosen: every channel"), validate_choice=False
    )
    starts_on = StringField(lazy_gettext("Starts on"), render_kw={"type": "date"})
    ends_on = StringField(lazy_gettext("Ends on"), render_kw={"type": "date"})
    timezone = StringField(
        lazy_gettext("Time zone"),
        description=lazy_gettext("the days start at midnight there"),
        render_kw={"list": "zones"},
    )
    participants = SelectMultipleField(
        lazy_gettext("Who takes part"), description=lazy_gettext("none chosen: everyone"), validate_choice=False
    )

    def offer(self, people) -> None:
        self.channels.choices = channel_options()
        self.participants.choices = options((p.id, p.display_name) for p in people)

    @staticmethod
    def values_of(contest) -> dict:
        return {
            "name": contest.name,
            "description": contest.description,
            "kind": contest.kind,
            "metric": contest.metric,
            "channels": list(contest.channels or []),
            "starts_on": contest.starts_on.isoformat(),
            "ends_on": contest.ends_on.isoformat(),
            "timezone": contest.timezone,
            "participants": [str(p) for p in contest.participants or []],
        }

    def service_input(self) -> dict:
        return {
            "name": self.name.data or "",
            "description": self.description.data or "",
            "kind": self.kind.data or "posts",
            "metric": self.metric.data or "",
            "channels": list(self.channels.data or []),
            "starts_on": self.starts_on.data or None,
            "ends_on": self.ends_on.data or None,
            "timezone": self.timezone.data or None,
            "participants": [int(p) if str(p).isdigit() else p for p in self.participants.data or []],
        }


class IdeaForm(PageForm):
    text = TextAreaField(
        lazy_gettext("Your idea"),
        render_kw={"rows": 2, "placeholder": lazy_gettext("e.g. a behind-the-scenes photo every Friday")},
    )

    def service_input(self) -> dict:
        return {"text": self.text.data or ""}


class IdeaPostsForm(PageForm):
    post_ids = StringField(
        lazy_gettext("Posts that tried it"), description=lazy_gettext("their numbers, separated by commas")
    )

    def service_input(self) -> dict:
        return {"post_ids": id_list(self.post_ids.data)}


class FollowsForm(PageForm):
    post_id = StringField(lazy_gettext("Post"), render_kw={"class": "small"})
    follows = StringField(lazy_gettext("Follows it brought"), render_kw={"type": "number", "min": 0, "class": "small"})

    def service_input(self) -> dict:
        follows = (self.follows.data or "").strip()
        return {"post_id": self.post_id.data or None, "follows": follows or None}
