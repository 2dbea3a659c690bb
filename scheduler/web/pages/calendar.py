"""A plan's calendar: a week or a month of each channel's posts against what it committed to."""

from datetime import date

from flask import render_template, request, url_for

from scheduler.services import calendar, clock, plans
from scheduler.web import language, page_cache
from scheduler.web.pages import blueprint


@blueprint.get("/plans/<int:plan_id>/calendar")
def calendar_page(plan_id):
    plan = plans.get_plan(plan_id)
    view = request.args.get("view", "week")
    view = view if view in calendar.VIEWS else "week"
    try:
        anchor = date.fromisoformat(request.args["date"]) if request.args.get("date") else None
    except ValueError:
        anchor = None
    today = clock.today(plan.timezone)
    if anchor is None or not 1900 < anchor.year < 9000:  # far dates have no neighbours to page to
        anchor = min(max(today, plan.starts_on), plan.ends_on)
    days = calendar.view_days(view, anchor)

    def grid() -> str:
        return render_template(
            "calendar_grid.html",
            plan=plan,
            rows=calendar.build(plan, view, anchor),
            days=days,
            view=view,
            anchor=anchor,
            today=today,
            chips_shown=calendar.CHIPS_SHOWN[view],
            links=calendar_links(plan),
            **calendar_words(),
        )

    # the grid shows the view's days (and, for a month, which of them are the month's) and today, in
    # the reader's language
    key = (
        plan.id,
        view,
        days[0],
        days[-1],
        anchor.month,
        today,
        language.code(),
        calendar.fingerprint(plan, view, anchor),
    )
    return render_template(
        "calendar.html",
        plan=plan,
        grid=page_cache.part("calendar", key, grid),
        days=days,
        view=view,
        anchor=anchor,
        previous=calendar.shift(view, anchor, -1),
        next=calendar.shift(view, anchor, 1),
        say_day=calendar.say_day,
    )


def calendar_words() -> dict:
    """What the grid says of a value (a post's status, a period's, a commitment), and of a day."""
    return {
        "say_day": calendar.say_day,
        "status_words": calendar.STATUS_WORDS,
        "flag_words": calendar.FLAG_WORDS,
        "period_words": calendar.PERIOD_WORDS,
        "per_words": calendar.PER_WORDS,
    }


def calendar_links(plan) -> dict:
    """The beginnings of the links a calendar repeats per post, day and channel, built once: a month
    has hundreds of them and ``url_for`` for each was a fifth of the page's time. The page appends
    the post id, or ``&channel=…&date=…`` (a channel name is a plain identifier, a date is ISO)."""
    return {
        "post": url_for("ui.edit_post", post_id=0).removesuffix("0"),
        "new_post": url_for("ui.new_post", plan_id=plan.id),
        "week": url_for("ui.calendar_page", plan_id=plan.id, view="week"),
        "day_posts": url_for("ui.posts_page", plan_id=plan.id),
    }
