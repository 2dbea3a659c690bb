"""The report read from the rollup (post_counts, kept by triggers) and the stored repeated-message
groups always say what counting the posts themselves says, whatever changed the posts: the services,
lifecycle's guarded UPDATEs, bulk inserts, deletes, a post moved to another plan, the plan's dates."""

import random
import re
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import create_engine, delete, func, insert, select, text, update

from scheduler.domain.compliance import compliance_report
from scheduler.domain.facts import COUNTED_STATUSES, PostFacts
from scheduler.domain.repetition import find_repeated_messages
from scheduler.infra import migrate
from scheduler.models import Post, PostCount
from scheduler.models.database import db
from scheduler.services import clock, lifecycle, plans, posts, repeated_messages, report_data, reports
from scheduler.services.errors import Conflict, Invalid
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import BEFORE_THE_PLAN, commit, make_plan, make_post

TEXTS = [  # few enough that repeats and near-repeats happen
    "Summer offer: two months free on every annual plan",
    "Summer offer: two months free on every yearly plan",
    "Our new calendar view is live for every team",
    "Meet the team behind the summer release this Friday",
    "Offre d'été : deux mois offerts sur chaque abonnement annuel",
    "夏季优惠：年度计划免费赠送两个月，欢迎了解",
]
CHANNELS = ["twitter", "blog", "newsletter"]


def every_post_of(plan) -> list[PostFacts]:
    rows = db.session.execute(select(Post).where(Post.plan_id == plan.id).execution_options(populate_existing=True))
    return [
        PostFacts(
            id=p.id,
            channel=p.channel,
            scheduled_at=p.scheduled_at,
            status=p.status,
            on_theme=p.on_theme,
            text=f"{p.title or ''}\n{p.body or ''}".strip(),
            adapted_from_post_id=p.adapted_from_post_id,
            source_item_id=p.source_item_id,
            recorded_by_hand=bool(p.recorded_by_hand),
        )
        for p in rows.scalars()
        if p.scheduled_at is not None
    ]


def recount(plan) -> dict:
    """The report from every post of the plan, one by one, with detection run afresh."""
    db.session.refresh(plan)
    every = every_post_of(plan)
    committed = {c.channel for c in plan.commitments}
    start, end = report_data.plan_utc_bounds(plan)
    counted = [
        p for p in every if p.channel in committed and p.status in COUNTED_STATUSES and start <= p.scheduled_at < end
    ]
    return compliance_report(
        report_data.plan_facts(plan),
        report_data.commitment_facts(plan),
        every,
        repeated=find_repeated_messages(counted),
        today=clock.today(plan.timezone),
    )


def rollup_rows() -> dict:
    """post_counts' non-empty rows (an emptied bucket keeps its row, for its revision)."""
    rows = db.session.execute(select(PostCount)).scalars()
    return {(r.plan_id, r.channel, r.bucket): (r.posts, r.on_theme, r.published) for r in rows if r.posts}


def rollup_from_posts() -> dict:
    counts = {}
    for post in db.session.execute(select(Post).execution_options(populate_existing=True)).scalars():
        if post.status in COUNTED_STATUSES and post.scheduled_at is not None:
            key = (post.plan_id, post.channel, int(post.scheduled_at.timestamp()) // 900)
            n, on_theme, published = counts.get(key, (0, 0, 0))
            counts[key] = (n + 1, on_theme + post.on_theme, published + (post.status == "published"))
    return counts


class Story:
    """A random sequence of what users, workers and scripts do to posts."""

    def __init__(self, rng: random.Random, plan, other_plan) -> None:
        self.rng, self.plan, self.other_plan = rng, plan, other_plan

    def some_post(self):
        ids = db.session.scalars(select(Post.id).order_by(Post.id)).all()
        return posts.get_post(self.rng.choice(ids)) if ids else None

    def when(self) -> str:
        start = datetime(2031, 6, 1, tzinfo=timezone.utc) - timedelta(hours=6)  # some just outside the plan
        instant = start + timedelta(seconds=self.rng.randrange(40 * 86400))
        if self.rng.random() < 0.3:  # right at a local (Paris) midnight, give or take a second
            instant = instant.replace(hour=22, minute=0, second=0) + timedelta(seconds=self.rng.choice([-1, 0, 1]))
        return instant.isoformat()

    def create(self):
        post = make_post(
            self.plan,
            self.rng.choice(CHANNELS),
            body=self.rng.choice(TEXTS),
            when=self.when(),
            on_theme=self.rng.choice([None, True, False]),
        )
        if self.rng.random() < 0.7:
            posts.schedule_post(post)

    def edit(self, post):
        if post.status in lifecycle.EDITABLE:
            field = self.rng.choice(["body", "title", "scheduled_at", "on_theme"])
            value = {
                "body": self.rng.choice(TEXTS),
                "title": self.rng.choice(["", "Summer"]),
                "scheduled_at": self.when(),
                "on_theme": self.rng.choice([True, False]),
            }[field]
            posts.update_post(post, {field: value})

    def move(self, post):
        """A worker's guarded UPDATE, or a person's schedule / unschedule / cancel."""
        to = self.rng.choice(sorted(lifecycle.TRANSITIONS[post.status] or {"draft"}))
        with unit_of_work():
            lifecycle.move(post.id, to, note="story")

    def delete(self, post):
        db.session.execute(delete(Post).where(Post.id == post.id))
        db.session.commit()

    def change_plan(self, post):
        db.session.execute(
            update(Post).where(Post.id == post.id).values(plan_id=self.rng.choice([self.plan.id, self.other_plan.id]))
        )
        db.session.commit()

    def adapt(self, post):
        """An adaptation link appears (or goes): reuse, not repetition."""
        parent = self.some_post()
        db.session.execute(
            update(Post)
            .where(Post.id == post.id)
            .values(adapted_from_post_id=None if parent.id == post.id else parent.id)
        )
        db.session.commit()

    def bulk_insert(self):
        rows = [
            {
                "plan_id": self.plan.id,
                "channel": self.rng.choice(CHANNELS),
                "title": "",
                "body": self.rng.choice(TEXTS),
                "link": "",
                "extra": {},
                "scheduled_at": datetime.fromisoformat(self.when()),
                "status": self.rng.choice(["draft", "scheduled", "published", "cancelled"]),
                "on_theme": self.rng.random() < 0.5,
                "theme_source": "keywords",
                "theme_matched": [],
                "problems": [],
                "attempts": 0,
                "failure_reason": "",
                "remote_id": "",
                "remote_url": "",
            }
            for _ in range(self.rng.randint(1, 20))
        ]
        db.session.execute(insert(Post), rows)
        db.session.commit()

    def bulk_status(self):
        db.session.execute(
            update(Post).where(Post.id % 3 == self.rng.randrange(3), Post.status == "draft").values(status="scheduled")
        )
        db.session.commit()

    def plan_dates(self, _post):
        plans.update_plan(
            self.plan,
            {
                "ends_on": self.rng.choice(["2031-06-20", "2031-08-31"]),
                "timezone": self.rng.choice(["Europe/Paris", "America/New_York"]),
            },
        )

    def step(self):
        post = self.some_post()
        actions = [self.create, self.bulk_insert, self.bulk_status]
        if post is not None:
            actions += [
                lambda: self.edit(post),
                lambda: self.move(post),
                lambda: self.move(post),
                lambda: self.delete(post),
                lambda: self.change_plan(post),
                lambda: self.adapt(post),
                lambda: self.plan_dates(post),
            ]
        try:
            self.rng.choice(actions)()
        except (Invalid, Conflict):  # refused by the services (a blog post without a title...): nothing changed
            db.session.rollback()


@pytest.mark.parametrize("seed", [1, 2])
def test_report_from_rollup_always_equals_a_recount(app, seed):
    plan = make_plan()
    other_plan = make_plan(name="Another plan")
    for channel in CHANNELS:
        commit(plan, channel)
        commit(other_plan, channel)
    story = Story(random.Random(seed), plan, other_plan)
    for step in range(70):
        story.step()
        db.session.expire_all()
        for some_plan in (plan, other_plan):
            assert reports.compliance(some_plan) == recount(some_plan), f"step {step}"
        assert rollup_rows() == rollup_from_posts(), f"step {step}"
    assert sum(row["posts"] for row in reports.compliance(plan)["channels"]) > 5
    assert reports.compliance(plan)["repeated_messages"]


def test_a_repeat_shows_at_once_and_goes_when_cancelled(app, monkeypatch, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    commit(plan, "twitter")
    first = posts.schedule_post(make_post(plan, body="Summer offer: two months free on every annual plan"))
    second = posts.schedule_post(
        make_post(plan, body="Our new calendar view is live", when="2031-06-03T10:00:00+02:00")
    )
    assert reports.compliance(plan)["repeated_messages"] == []

    detections = []
    searching = repeated_messages.find_and_store
    monkeypatch.setattr(repeated_messages, "find_and_store", lambda *args: detections.append(1) or searching(*args))
    assert reports.compliance(plan)["repeated_messages"] == []
    assert detections == []  # nothing changed: the stored groups are served

    posts.update_post(second, {"body": "Summer offer: two months free on every annual plan!"})
    assert reports.compliance(plan)["repeated_messages"] == [
        {"channel": "twitter", "post_ids": [first.id, second.id], "similarity": 1.0}
    ]
    posts.cancel_post(second)
    assert reports.compliance(plan)["repeated_messages"] == []
    assert len(detections) == 2


def test_delivering_a_post_keeps_the_stored_repeats(app, monkeypatch, clock_at):
    """Workers move posts queued -> publishing -> published all day: that must not make every report
    look for repeated messages again (the counts still change)."""
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    commit(plan, "twitter")
    first = posts.schedule_post(make_post(plan, body="Summer offer: two months free on every annual plan"))
    posts.schedule_post(
        make_post(plan, body="Summer offer: two months free on every annual plan", when="2031-06-03T10:00:00+02:00")
    )
    before = reports.compliance(plan)
    detections = []
    searching = repeated_messages.find_and_store
    monkeypatch.setattr(repeated_messages, "find_and_store", lambda *args: detections.append(1) or searching(*args))
    with unit_of_work():
        assert lifecycle.move(first.id, "publishing") and lifecycle.move(first.id, "published")
    after = reports.compliance(plan)
    assert after["channels"][0]["published"] == before["channels"][0]["published"] + 1
    assert after["repeated_messages"] == before["repeated_messages"] != []
    assert detections == []
    assert after == recount(plan)


def test_deleting_an_original_frees_its_adaptations_from_reuse(app, clock_at):
    """ON DELETE SET NULL rewrites the adaptation's adapted_from_post_id behind the ORM's back."""
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    commit(plan, "twitter")
    text_ = "Summer offer: two months free on every annual plan"
    original = make_post(plan, body=text_)  # a draft: it does not count
    adapted = posts.schedule_post(make_post(plan, body=text_, when="2031-06-03T10:00:00+02:00"))
    again = posts.schedule_post(make_post(plan, body=text_, when="2031-06-04T10:00:00+02:00"))
    db.session.execute(update(Post).where(Post.id == again.id).values(adapted_from_post_id=adapted.id))
    db.session.commit()
    assert reports.compliance(plan)["repeated_messages"] == []
    db.session.execute(delete(Post).where(Post.id == adapted.id))
    db.session.commit()
    assert reports.compliance(plan)["repeated_messages"] == []  # one post left of the pair
    assert reports.compliance(plan) == recount(plan)
    assert original.id  # still there, still a draft


def test_upgrading_counts_the_posts_already_there(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        connection.execute(
            text(
                "INSERT INTO plans (id, name, theme, key_message, keywords, starts_on, ends_on, "
                "timezone, created_at, updated_at) VALUES (1, 'p', 't', '', '[]', '2031-06-01', "
                "'2031-08-31', 'Europe/Paris', '2031-01-01', '2031-01-01')"
            )
        )
        for n, (status, at) in enumerate(
            [
                ("published", "2031-06-02 10:00:00.000000"),
                ("scheduled", "2031-06-02 10:14:59.900000"),
                ("draft", "2031-06-02 10:00:00.000000"),
                ("queued", "2031-06-02 10:15:00.000000"),
            ]
        ):
            connection.execute(
                text(
                    "INSERT INTO posts (id, plan_id, channel, title, body, link, extra, scheduled_at, status, "
                    "on_theme, theme_source, theme_matched, problems, lineage, style_override, attempts, "
                    "failure_reason, remote_id, remote_url, created_at, updated_at) "
                    "VALUES (:id, 1, 'twitter', '', 'x', '', '{}', :at, :status, :on_theme, 'keywords', '[]', '[]', "
                    "'{}', '{}', 0, '', '', '', :at, :at)"
                ),
                {"id": n + 1, "at": at, "status": status, "on_theme": n % 2},
            )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT bucket, posts, on_theme, published FROM post_counts ORDER BY bucket")
        ).all()
    bucket = int(datetime(2031, 6, 2, 10, tzinfo=timezone.utc).timestamp()) // 900
    assert [tuple(row) for row in rows] == [(bucket, 2, 1, 1), (bucket + 1, 1, 1, 0)]


def test_the_rollup_counts_exactly_the_statuses_the_domain_counts(app):
    """The triggers' own status list (SQL, written in migration 0007) and the domain's COUNTED_STATUSES
    must never drift apart: one post in each status, and the rollup holds exactly the counted ones."""
    from importlib import import_module

    from scheduler.domain.statuses import STATUSES

    written = import_module("scheduler.infra.migrations.versions.0007_report_rollups").COUNTED
    assert set(re.findall(r"'(\w+)'", written)) == set(COUNTED_STATUSES)
    plan = make_plan()
    commit(plan, "twitter", posts=1, per="quarter", one_note_max_share=1.0)
    with unit_of_work():
        for n, status in enumerate(STATUSES):
            db.session.add(
                Post(
                    plan=plan,
                    channel="twitter",
                    body=f"post {n}",
                    status=status,
                    scheduled_at=datetime(2031, 6, 2, 8, n, tzinfo=timezone.utc),
                )
            )
    counted = db.session.scalar(select(func.sum(PostCount.posts)).where(PostCount.plan_id == plan.id))
    assert counted == len(set(STATUSES) & COUNTED_STATUSES) == len(COUNTED_STATUSES)
    assert reports.compliance(plan)["channels"][0]["posts"] == len(COUNTED_STATUSES)


def test_after_an_edit_only_its_window_is_searched_and_the_groups_are_the_full_searchs(app, monkeypatch, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    commit(plan, "twitter")
    made = []
    for day in range(1, 29):
        text = TEXTS[day % 3] if day % 2 else f"Nothing to repeat on day {day}: a note of its own"
        made.append(posts.schedule_post(make_post(plan, body=text, when=f"2031-06-{day:02d}T10:00:00+02:00")))
    assert reports.compliance(plan) == recount(plan)  # found in full once, and stored with its links
    searched = []
    everything = repeated_messages.full_search
    monkeypatch.setattr(
        repeated_messages, "full_search", lambda found: searched.append(len(found)) or everything(found)
    )
    posts.update_post(made[20], {"body": TEXTS[0]})  # 21 June now says what 1, 7, 13 and 19 June say
    assert reports.compliance(plan) == recount(plan)
    posts.cancel_post(made[6])
    assert reports.compliance(plan) == recount(plan)
    assert searched == [], "the edits were searched around, not the whole plan again"
