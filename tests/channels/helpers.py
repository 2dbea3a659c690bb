"""One way to build and validate a post in every channel test."""

from datetime import datetime, timezone

from channels import registry
from channels.base import PostContent

WHEN = datetime(2031, 9, 1, 8, 0, tzinfo=timezone.utc)
# the moment the channel tests deliver at (DeliveryContext.now): before WHEN, whatever day the suite runs
DELIVERED_AT = datetime(2031, 6, 1, 8, 0, tzinfo=timezone.utc)


def post(channel, body="", **fields):
    fields.setdefault("scheduled_at", WHEN)
    fields.setdefault("campaign", "rentree-2031")
    return PostContent(channel=channel, body=body, **fields)


def check(channel, body="", **fields):
    return registry.get(channel).validate(post(channel, body, **fields))


def codes(validation):
    return {p.code for p in validation.problems}


def errors(validation):
    return {p.code for p in validation.problems if p.severity == "error"}


# the stand-in services listen on 127.0.0.1, an address the guard refuses unless the admin allows it:
# the tests allow it as an admin would (REFRAIN_FETCH_ALLOW=127.0.0.1), the guard's default untouched
LOCAL = ("127.0.0.1",)
