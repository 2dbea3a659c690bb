"""report rollups: post counts per plan, channel and UTC quarter hour, kept by triggers; cached
repeated-message groups

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

The compliance report of a quarter over 1M posts must take at most 50 ms and give the same numbers
as counting the posts. ``post_counts`` holds the counts per (plan, channel, UTC quarter hour), and
the database itself keeps them in step with ``posts``: ORM events would miss lifecycle's guarded
UPDATE statements, bulk inserts and foreign-key cascades, triggers miss nothing.

SQLite has row triggers only; PostgreSQL gets statement triggers with transition tables, so a bulk
insert of a million posts is one aggregated upsert per statement, not a million.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COUNTED = "('scheduled', 'queued', 'publishing', 'published', 'unconfirmed')"  # domain.facts.COUNTED_STATUSES
# what the counts or repeated-message detection read of a post: a change to any of them is applied
WATCHED = (
    "plan_id",
    "channel",
    "status",
    "on_theme",
    "scheduled_at",
    "title",
    "body",
    "adapted_from_post_id",
    "source_item_id",
)
# what detection reads (besides whether the post counts): only these bump a bucket's revision, so a
# delivery (queued -> publishing -> published) or a theme toggle keeps the stored groups current
DETECTED = ("plan_id", "channel", "scheduled_at", "title", "body", "adapted_from_post_id", "source_item_id")


def upgrade():
    op.create_table(
        "post_counts",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("on_theme", sa.Integer(), nullable=False),
        sa.Column("published", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "channel", "bucket"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "repetition_results",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    dialect = op.get_bind().dialect.name
    op.execute(backfill(BUCKET[dialect]))
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("post_counts_insert", "post_counts_delete", "post_counts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for name in ("post_counts_insert", "post_counts_delete", "post_counts_update", "post_counts_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON posts")
        for name in ("post_counts_inserted", "post_counts_deleted", "post_counts_updated", "post_counts_truncated"):
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("repetition_results")
    op.drop_table("post_counts")


# The UTC quarter hour of a stored (naive UTC) time; floor, never rounding (a post at 23:59:59.6 stays
# in its day).
BUCKET = {
    "sqlite": lambda column: f"(CAST(strftime('%s', {column}) AS INTEGER) / 900)",
    "postgresql": lambda column: f"CAST(floor(EXTRACT(EPOCH FROM {column}) / 900) AS BIGINT)",
}


def backfill(bucket) -> str:
    return f"""INSERT INTO post_counts (plan_id, channel, bucket, posts, on_theme, published, revision)
        SELECT plan_id, channel, {bucket("scheduled_at")}, count(*),
               sum(CASE WHEN on_theme THEN 1 ELSE 0 END), sum(CASE WHEN status = 'published' THEN 1 ELSE 0 END),
               count(*)
        FROM posts WHERE status IN {COUNTED} AND scheduled_at IS NOT NULL
        GROUP BY plan_id, channel, {bucket("scheduled_at")}"""


UPSERT = """ON CONFLICT (plan_id, channel, bucket) DO UPDATE SET
    posts = post_counts.posts + excluded.posts, on_theme = post_counts.on_theme + excluded.on_theme,
    published = post_counts.published + excluded.published, revision = post_counts.revision + excluded.revision"""


def _sqlite_row(row: str, sign: str, bump: str = "1") -> str:
    """Add (sign '+') or take away (sign '-') one post's counts; either way the bucket's revision grows.
    (SELECT ... WHERE, not VALUES, to skip a post that does not count; SQLite wants the WHERE there
    anyway, to tell the upsert's ON from a join's.)"""
    sqlite_bucket = BUCKET["sqlite"]
    return f"""INSERT INTO post_counts (plan_id, channel, bucket, posts, on_theme, published, revision)
        SELECT {row}.plan_id, {row}.channel, {sqlite_bucket(f"{row}.scheduled_at")}, {sign}1,
               {sign}(CASE WHEN {row}.on_theme THEN 1 ELSE 0 END),
               {sign}(CASE WHEN {row}.status = 'published' THEN 1 ELSE 0 END), {bump}
        WHERE {row}.status IN {COUNTED} AND {row}.scheduled_at IS NOT NULL
        {UPSERT};"""


def _sqlite_counted(row: str) -> str:
    return f"({row}.status IN {COUNTED} AND {row}.scheduled_at IS NOT NULL)"


_SQLITE_DETECTED_CHANGE = (
    f"CASE WHEN {_sqlite_counted('old')} IS NOT {_sqlite_counted('new')} OR "
    f"{' OR '.join(f'old.{c} IS NOT new.{c}' for c in DETECTED)} THEN 1 ELSE 0 END"
)


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER post_counts_insert AFTER INSERT ON posts WHEN {_sqlite_counted("new")} BEGIN
        {_sqlite_row("new", "+")}
        END""",
    f"""CREATE TRIGGER post_counts_delete AFTER DELETE ON posts WHEN {_sqlite_counted("old")} BEGIN
        {_sqlite_row("old", "-")}
        END""",
    f"""CREATE TRIGGER post_counts_update AFTER UPDATE OF {", ".join(WATCHED)} ON posts
        WHEN ({_sqlite_counted("old")} OR {_sqlite_counted("new")})
         AND ({" OR ".join(f"old.{c} IS NOT new.{c}" for c in WATCHED)}) BEGIN
        {_sqlite_row("old", "-", _SQLITE_DETECTED_CHANGE)}
        {_sqlite_row("new", "+", _SQLITE_DETECTED_CHANGE)}
        END""",
]


def _postgresql_rows(rows: str, sign: str, bump: str = "1") -> str:
    """One post's contribution per row of a transition table, with its sign (1 or -1)."""
    return f"""SELECT plan_id, channel, {BUCKET["postgresql"]("scheduled_at")} AS bucket, {sign} AS posts, {bump} AS bump,
               CASE WHEN on_theme THEN {sign} ELSE 0 END AS on_theme,
               CASE WHEN status = 'published' THEN {sign} ELSE 0 END AS published
        FROM {rows} WHERE status IN {COUNTED} AND scheduled_at IS NOT NULL"""


def _postgresql_apply(deltas: str) -> str:
    """Sum the deltas per bucket and upsert them, in key order (concurrent statements lock the same
    rows in the same order: no deadlock between them)."""
    return f"""INSERT INTO post_counts (plan_id, channel, bucket, posts, on_theme, published, revision)
        SELECT plan_id, channel, bucket, sum(posts), sum(on_theme), sum(published), sum(bump)
        FROM ({deltas}) AS deltas GROUP BY plan_id, channel, bucket ORDER BY plan_id, channel, bucket
        {UPSERT};"""


def _postgresql_counted(rows: str) -> str:
    return f"({rows}.status IN {COUNTED} AND {rows}.scheduled_at IS NOT NULL)"


def _postgresql_distinct(columns) -> str:
    return (
        f"({', '.join(f'old_rows.{c}' for c in columns)}) "
        f"IS DISTINCT FROM ({', '.join(f'new_rows.{c}' for c in columns)})"
    )


_CHANGED = f"""(SELECT old_rows.*, ({_postgresql_counted("old_rows")} IS DISTINCT FROM {_postgresql_counted("new_rows")}
                                    OR {_postgresql_distinct(DETECTED)}) AS detected
                FROM old_rows JOIN new_rows USING (id) WHERE {_postgresql_distinct(WATCHED)})"""
_CHANGED_NEW = _CHANGED.replace("SELECT old_rows.*", "SELECT new_rows.*")
_BUMP_IF_DETECTED = "CASE WHEN detected THEN 1 ELSE 0 END"


def _postgresql_function(name: str, body: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
        {body}
        RETURN NULL;
        END $$"""


POSTGRESQL_TRIGGERS = [
    # Every post written updates a row here, and each update leaves a dead version behind: with room
    # left in each page, PostgreSQL updates in place (HOT) and prunes the dead ones as it goes, so the
    # report's scan stays ~6 MB for a 1M-post quarter instead of growing many times over.
    "ALTER TABLE post_counts SET (fillfactor = 50)",
    _postgresql_function("post_counts_inserted", _postgresql_apply(_postgresql_rows("new_rows", "1"))),
    _postgresql_function("post_counts_deleted", _postgresql_apply(_postgresql_rows("old_rows", "-1"))),
    # PostgreSQL refuses a column list (UPDATE OF ...) with transition tables: every UPDATE statement
    # fires it, and the join keeps only the posts whose watched columns changed.
    _postgresql_function(
        "post_counts_updated",
        _postgresql_apply(
            f"{_postgresql_rows(_CHANGED + ' AS changed_old', '-1', _BUMP_IF_DETECTED)} UNION ALL "
            f"{_postgresql_rows(_CHANGED_NEW + ' AS changed_new', '1', _BUMP_IF_DETECTED)}"
        ),
    ),
    # TRUNCATE skips row and statement triggers: start the counts (and the cache they vouch for) again.
    _postgresql_function("post_counts_truncated", "DELETE FROM post_counts; DELETE FROM repetition_results;"),
    """CREATE TRIGGER post_counts_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION post_counts_inserted()""",
    """CREATE TRIGGER post_counts_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION post_counts_deleted()""",
    """CREATE TRIGGER post_counts_update AFTER UPDATE ON posts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION post_counts_updated()""",
    """CREATE TRIGGER post_counts_truncate AFTER TRUNCATE ON posts
       FOR EACH STATEMENT EXECUTE FUNCTION post_counts_truncated()""",
]
