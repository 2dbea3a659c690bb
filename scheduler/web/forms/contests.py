"""The contests' forms: a contest as a manager opens it, an idea, the posts that tried an idea, and a
post's follows."""

import re

from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField

from scheduler.domain.contests import METRICS
from scheduler.web.forms import PageForm, channel_options, options

KIND_LABELS = {"posts": "People, by their posts' metric", "ideas": "Ideas, by the posts that tried them"}


def id_list(text: str | None):
    """'12, 15 17' as [12, 15, 17]; anything else goes to the service as typed, which names the field."""
    words = [w for w in re.split(r"[\s,;]+", text or "") if w]
    return [int(w) for w in words] if all(w.isdigit() for w in words) else words


class ContestForm(PageForm):
    name = StringField("Name", render_kw={"placeholder": "e.g. Best visual of June"})
    description = TextAreaField("What it is about", render_kw={"rows": 2})
    kind = SelectField("Ranks", choices=options(KIND_LABELS.items()), validate_choice=False)
    metric = SelectField("Metric", choices=options(METRICS.items()), validate_choice=False)
    channels = SelectMultipleField("Channels", description="none chosen: every channel", validate_choice=False)
    starts_on = StringField("Starts on", render_kw={"type": "date"})
    ends_on = StringField("Ends on", render_kw={"type": "date"})
    timezone = StringField("Time zone", description="the days start at midnight there", render_kw={"list": "zones"})
    participants = SelectMultipleField("Who takes part", description="none chosen: everyone", validate_choice=False)

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
        "Your idea", render_kw={"rows": 2, "placeholder": "e.g. a behind-the-scenes photo every Friday"}
    )

    def service_input(self) -> dict:
        return {"text": self.text.data or ""}


class IdeaPostsForm(PageForm):
    post_ids = StringField("Posts that tried it", description="their numbers, separated by commas")

    def service_input(self) -> dict:
        return {"post_ids": id_list(self.post_ids.data)}


class FollowsForm(PageForm):
    post_id = StringField("Post", render_kw={"class": "small"})
    follows = StringField("Follows it brought", render_kw={"type": "number", "min": 0, "class": "small"})

    def service_input(self) -> dict:
        follows = (self.follows.data or "").strip()
        return {"post_id": self.post_id.data or None, "follows": follows or None}
