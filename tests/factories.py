"""Small builders for test data, through the same services the app uses."""

from datetime import datetime, timedelta, timezone

from scheduler.services import plans, posts

SEED_COMMITMENTS = {
    "twitter": {"posts": 4, "per": "day", "on_theme_min": 1, "one_note_max_share": 0.5},
    "youtube": {"posts": 1, "per": "month", "on_theme_min": 1, "one_note_max_share": 1.0},
    "newsletter": {"posts": 1, "per": "week", "on_theme_min": 1, "one_note_max_share": 1.0},
    "blog": {"posts": 4, "per": "month", "on_theme_min": 1, "one_note_max_share": 0.75},
    "ppc": {"posts": 1, "per": "quarter", "on_theme_min": 1, "one_note_max_share": 1.0},
}


# a "today" before make_plan's plan (June to August 2031) and make_post's time: a test that schedules
# them pins the app's clock here (``clock_at(BEFORE_THE_PLAN)``), so that it passes in 2031 and after too
BEFORE_THE_PLAN = "2031-05-01T09:00:00+02:00"


def make_plan(**overrides):
    data = {
        "name": "Offre d'été 2031",
        "theme": "Offre d'été",
        "key_message": "Summer, simplified",
        "keywords": ["offre ete", "summer offer", "夏季优惠"],
        "starts_on": "2031-06-01",
        "ends_on": "2031-08-31",
        "timezone": "Europe/Paris",
    }
    data.update(overrides)
    return plans.create_plan(data)


def commit(plan, channel="twitter", **overrides):
    data = dict(SEED_COMMITMENTS[channel], **overrides)
    return plans.set_commitment(plan, channel, data)[0]


def make_post(plan, channel="twitter", body="Profitez de l'Offre d'été !", when="2031-06-02T10:00:00+02:00", **extra):
    return posts.create_post({"plan_id": plan.id, "channel": channel, "body": body, "scheduled_at": when, **extra})


def due_posts(plan, count, channel="twitter", seconds_ago=5):
    """``count`` drafts whose time came ``seconds_ago`` seconds ago (by the real clock: a worker runs
    in its own process, where a test's pinned clock does not reach)."""
    when = (datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)).isoformat()
    return [
        posts.create_post(
            {"plan_id": plan.id, "channel": channel, "body": f"Post number {n} of the burst", "scheduled_at": when}
        )
        for n in range(count)
    ]


PASSWORD = "correct horse battery staple"  # the password make_person gives everyone it makes


def make_person(email: str, role: str, name: str = "", password: str | None = PASSWORD):
    """A person of the team, with ``password`` set (None: invited, no password yet)."""
    from scheduler.services import people

    user, _new = people.create_or_update(email, role, name or None)
    if password is not None:
        people.set_password(people.password_token(user), password)
    return user


def signed_in(app, user):
    """A test client whose session is ``user``'s, as after signing in on the sign-in page."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.session_epoch}"
        session["_fresh"] = True
    return client
