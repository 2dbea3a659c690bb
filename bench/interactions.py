"""Customer interactions at scale: the pattern report over a quarter of a million interactions (1,000,000 by
default), against a naive recount of every row in Python; and a help desk's CSV of 100,000 interactions
imported, against the straightforward ORM import (a lookup and an add per row), measured in the same run."""

import csv
import io
import random
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time

from sqlalchemy import delete, func, insert, select, text

from bench.common import bench_app, database_name, timed
from scheduler.domain.interaction_patterns import Tally, find_patterns
from scheduler.models import Interaction, InteractionKind
from scheduler.models.database import db
from scheduler.services import interaction_import, interaction_patterns

QUARTER = (date(2031, 1, 1), date(2031, 3, 31))
CHANNELS = ("twitter", "youtube", "newsletter", "mastodon", "email_support", "phone", "chat", "in_person")
COMMENTS = (
    "Where is my refund?",
    "Toujours pas de remboursement.",
    "退款还没到。",
    "Thanks for the quick answer!",
    "How do I export the calendar?",
    "",
)


def populate(count: int, rng: random.Random) -> None:
    kinds = list(db.session.scalars(select(InteractionKind.id)))
    days = (QUARTER[1] - QUARTER[0]).days + 1
    start = datetime.combine(QUARTER[0], clock_time(), timezone.utc)
    batch = []
    for n in range(count):
        when = start + timedelta(seconds=rng.randrange(days * 86400))
        channel = CHANNELS[n % len(CHANNELS)]
        kind = kinds[rng.randrange(len(kinds))]
        share = 0.7 if (channel, kind) == ("chat", kinds[-1]) else 0.25
        batch.append(
            {
                "channel": channel,
                "kind_id": kind,
                "negative": rng.random() < share,
                "comment": COMMENTS[n % len(COMMENTS)],
                "link": "",
                "customer": "",
                "occurred_at": when,
                "occurred_on": when.date(),
                "author_name": "bench",
                "created_at": when,
                "updated_at": when,
            }
        )
        if len(batch) == 20000:
            db.session.execute(insert(Interaction), batch)
            batch = []
    if batch:
        db.session.execute(insert(Interaction), batch)
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
    elif db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE interactions"))


def naive_report(since: date, until: date):
    """Every interaction of the window read back, and counted in Python."""
    names = dict(db.session.execute(select(InteractionKind.id, InteractionKind.name)).all())
    counts: dict = {}
    rows = db.session.execute(
        select(Interaction.channel, Interaction.kind_id, Interaction.occurred_at, Interaction.negative).where(
            Interaction.occurred_at >= datetime.combine(since, clock_time(), timezone.utc),
            Interaction.occurred_at < datetime.combine(until + timedelta(days=1), clock_time(), timezone.utc),
        )
    )
    for channel, kind_id, occurred_at, negative in rows:
        key = (channel, kind_id, occurred_at.date())
        tally = counts.setdefault(key, [0, 0])
        tally[0] += 1
        tally[1] += bool(negative)
    tallies = [Tally(c, names[k], d, n, bad) for (c, k, d), (n, bad) in counts.items()]
    return find_patterns(tallies, since, until)


def query_plan() -> str:
    if db.engine.dialect.name != "sqlite":
        return ""
    statement = interaction_patterns.tallies_statement(*QUARTER).compile(
        db.engine, compile_kwargs={"literal_binds": True}
    )
    rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {statement}")).all()
    return "; ".join(row[-1] for row in rows)


def patterns_main(count: int | None = None):
    count = count or 1_000_000
    with bench_app():
        started = time.perf_counter()
        populate(count, random.Random(5))
        filled = time.perf_counter() - started
        ours_time, ours = timed(lambda: interaction_patterns.report(*QUARTER), repeat=5)
        naive_time, naive = timed(lambda: naive_report(*QUARTER), repeat=2)
        assert [(p.channel, p.kind, p.count, p.negative) for p in ours.patterns] == [
            (p.channel, p.kind, p.count, p.negative) for p in naive.patterns
        ]
        print(f"the pattern report over {count:,} interactions in a quarter, {database_name()}:")
        print(f"  stored in {filled:.1f} s; {len(ours.patterns)} patterns, {len(ours.flagged)} flagged")
        print(f"  naive (every row read back, counted in Python): {naive_time * 1000:8.0f} ms")
        print(
            f"  Refrain (GROUP BY on the covering index):       {ours_time * 1000:8.0f} ms"
            f"  = {ours_time / naive_time:.3f}x  (goal: 200 ms)"
        )
        plan = query_plan()
        if plan:
            print(f"  query plan: {plan}")


def help_desk_csv(count: int, rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Ticket ID", "Created at", "Via", "Type", "Satisfaction", "Subject", "Requester"])
    kinds = ("Complaint", "Question", "Praise", "Refund request")
    for n in range(count):
        when = datetime(2031, 1, 1) + timedelta(seconds=rng.randrange(90 * 86400))
        writer.writerow(
            [
                100000 + n,
                when.strftime("%Y-%m-%d %H:%M:%S"),
                rng.choice(("Email", "Chat", "Phone", "Twitter")),
                rng.choice(kinds),
                rng.choice(("Good", "Bad", "Good")),
                rng.choice(COMMENTS) or "(no subject)",
                f"customer{n % 5000}@example.com",
            ]
        )
    return out.getvalue().encode()


def naive_import(data: bytes) -> int:
    """A row at a time: read it, look its ticket up, add or change it through the ORM."""
    kinds = {k.name.casefold(): k.id for k in db.session.scalars(select(InteractionKind))}
    channels = {"email": "email_support", "chat": "chat", "phone": "phone", "twitter": "twitter"}
    reader = csv.DictReader(io.StringIO(data.decode()))
    done = 0
    for row in reader:
        key = "t:" + row["Ticket ID"]
        found = db.session.scalar(
            select(Interaction).where(Interaction.source == "naive", Interaction.source_key == key)
        )
        when = datetime.fromisoformat(row["Created at"]).replace(tzinfo=timezone.utc)
        values = {
            "channel": channels[row["Via"].casefold()],
            "kind_id": kinds[row["Type"].casefold()],
            "negative": row["Satisfaction"] == "Bad",
            "comment": row["Subject"],
            "customer": row["Requester"],
            "occurred_at": when,
            "occurred_on": when.date(),
        }
        if found is None:
            db.session.add(Interaction(source="naive", source_key=key, author_name="bench", link="", **values))
        else:
            for name, value in values.items():
                setattr(found, name, value)
        done += 1
        if done % 1000 == 0:
            db.session.commit()
    db.session.commit()
    return done


NAIVE_ROWS = 20_000  # the naive import is timed on this many rows: its rate is what compares


def import_main(count: int | None = None):
    count = count or 100_000
    data = help_desk_csv(count, random.Random(8))
    naive_rows = min(count, NAIVE_ROWS)
    naive_data = b"".join(data.splitlines(keepends=True)[: naive_rows + 1])
    with bench_app():
        parse_time, _ = timed(lambda: list(csv.reader(io.StringIO(data.decode()))), repeat=1)
        ours_time, result = timed(lambda: interaction_import.import_interactions(data, name="Zendesk"), repeat=1)
        again_time, again = timed(lambda: interaction_import.import_interactions(data, name="Zendesk"), repeat=1)
        assert result.created == count and again.updated == count and not result.errors
        stored = db.session.scalar(select(func.count()).select_from(Interaction))
        db.session.execute(delete(Interaction))
        db.session.commit()
        naive_time, _ = timed(lambda: naive_import(naive_data), repeat=1)
        assert stored == count
        print(f"importing a help desk CSV of {count:,} interactions ({len(data) / 1e6:.1f} MB), {database_name()}:")
        print(f"  the csv module alone:                       {parse_time:6.2f} s")
        naive_rate, ours_rate = naive_rows / naive_time, count / ours_time
        print(
            f"  naive (a lookup and an ORM add per row), {naive_rows:,} rows: {naive_time:6.2f} s = "
            f"{naive_rate:8,.0f} rows/s"
        )
        print(
            f"  Refrain (mapping, checks, batched upserts): {ours_time:6.2f} s = {ours_rate:8,.0f} rows/s"
            f"  = {ours_rate / naive_rate:.1f}x the naive rate;  again (all updates): {again_time:.2f} s"
        )
