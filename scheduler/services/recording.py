"""Recording a post that went out elsewhere: a separate, explicit action that keeps its evidence.

Scheduling refuses a time already past (``services.time_guards``): a post dated yesterday must not
fill yesterday's commitment by being "scheduled" after the fact. But posts do go out by other means
(typed straight into the network's own app, at an event, when Refrain was away), and the report should
count them. So a person records one: the link where it appeared (required, http or https: the
evidence), the time it went out (past, or now), and who they are (the signed-in person). The post
becomes ``published`` at that time, with ``remote_url`` the link and ``recorded_by_hand`` set, which
the report counts apart ("2 of these were recorded by hand"). The audit trail keeps the columns
changed and the status move with the person, as for every change; the post's history says it too.
"""

from __future__ import annotations

from datetime import timezone

from scheduler.domain.language import _
from scheduler.domain.links import web_link
from scheduler.domain.statuses import DRAFT, FAILED, IN_REVIEW, PUBLISHED, QUEUED, SCHEDULED, UNCONFIRMED, label
from scheduler.models import Post
from scheduler.services import actor, clock, lifecycle, runtime
from scheduler.services.errors import Conflict, Invalid
from scheduler.services.handover import label_of
from scheduler.services.time_guards import GRACE, shown
from scheduler.services.unit_of_work import after_commit, unit_of_work
from scheduler.services.validation import Reader

# every status a person may still act on; not while a worker delivers it, nor once it is out or cancelled
RECORDABLE = frozenset({DRAFT, IN_REVIEW, SCHEDULED, QUEUED, FAILED, UNCONFIRMED})


@unit_of_work
def record_published(post: Post, data) -> Post:
    """``{url, published_at?}``: the post went out at ``url`` at ``published_at`` (now when not given)."""
    reader = Reader(data)
    url = reader.text("url", max_length=2000)
    if url and not web_link(url):
        reader.fail("url", _("must be an http:// or https:// address: the link where the post appeared"))
    when = reader.instant("published_at", required=False, time_zone=post.plan.timezone)
    reader.done()
    when = (when or clock.now()).astimezone(timezone.utc)
    if when > clock.now() + GRACE:
        raise Invalid({"published_at": _("is still to come: record a post once it went out, or schedule it instead")})
    _recordable(post)
    who = actor.current()
    post.scheduled_at = when  # the report counts it on the day it went out
    post.published_at = when
    post.remote_url = url
    post.recorded_by_hand = True
    post.failure_reason = ""
    note = f"recorded by hand as published elsewhere by {who.name}, at {shown(when, post.plan)}: {url}"
    if not lifecycle.move(post.id, PUBLISHED, RECORDABLE, note=note):
        raise Conflict(_("the post changed meanwhile (a delivery may have started): look at it again"))
    post_id = post.id
    after_commit(lambda: runtime.queues().withdraw_delivery(post_id))  # its reminder, if it had one
    return post


def _recordable(post: Post) -> None:
    if post.status not in RECORDABLE:
        raise Conflict(
            _("a %(status)s post cannot be recorded as published elsewhere", status=label(post.status)),
            {"status": post.status},
        )
    if post.status in (SCHEDULED, QUEUED) and post.handed_over_at is not None and post.remote_id:
        raise Conflict(
            _(
                "%(service)s holds this post to publish it at its time: unschedule it first "
                "(it is withdrawn from there), then record where it went out",
                service=label_of(post.channel),
            )
        )
