"""the posts list's indexes: pages by time, channel or status found by cursor; words found by an index

Revision ID: 0017
Revises: 0016
Create Date: 2027-02-01

The posts list pages with a cursor (``services.post_pages``): each page is a range of one of these
indexes, the plan first, then the sort's column, the time and the id, so page 2,000 of a plan with
100,000 posts costs what the first does.

Its search for words in the title or the text is a substring search (what ``LIKE '%…%'`` finds, case
aside): on SQLite an FTS5 table with the trigram tokenizer (SQLite 3.34 and later) finds it from an index
instead of reading every post, kept in step by triggers; where there is none (PostgreSQL, an older
SQLite, fewer than three characters) the list falls back to ``ILIKE``.
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_posts_list_time": ["plan_id", "scheduled_at", "id"],
    "ix_posts_list_channel": ["plan_id", "channel", "scheduled_at", "id"],
    "ix_posts_list_status": ["plan_id", "status", "scheduled_at", "id"],
}
SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE posts_fts USING fts5(title, body, content='posts', content_rowid='id',
       tokenize='trigram')""",
    """CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
       INSERT INTO posts_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
       END""",
    """CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
       INSERT INTO posts_fts(posts_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
       END""",
    """CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, body ON posts BEGIN
       INSERT INTO posts_fts(posts_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
       INSERT INTO posts_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
       END""",
    "INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')",
]
SEARCH_OBJECTS = ("posts_fts_insert", "posts_fts_delete", "posts_fts_update")


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "posts", columns)
    if _trigrams():
        for statement in SQLITE_SEARCH:
            op.execute(statement)


def _trigrams() -> bool:
    """SQLite with FTS5's trigram tokenizer (3.34 and later)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    version = tuple(int(part) for part in bind.exec_driver_sql("select sqlite_version()").scalar().split("."))
    return version >= (3, 34)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in SEARCH_OBJECTS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS posts_fts")
    for name in INDEXES:
        op.drop_index(name, table_name="posts")
