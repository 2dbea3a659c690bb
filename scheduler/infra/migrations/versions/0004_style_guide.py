"""style guide

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:03:20.190388
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "style_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("avoid", sa.Text(), nullable=False),
        sa.Column("prefer", sa.String(length=300), nullable=False),
        sa.Column("is_pattern", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("requires", sa.String(length=100), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("source_item_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_body", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["source_item_id"], ["content_items.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("style_entries", schema=None) as batch_op:
        batch_op.create_index("ix_style_kind_channel", ["kind", "channel"], unique=False)

    op.create_table(
        "style_entry_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["style_entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "version", name="uq_style_version"),
    )
    with op.batch_alter_table("style_entry_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_style_entry_versions_entry_id"), ["entry_id"], unique=False)

    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("style_override", sa.JSON(), nullable=False, server_default="{}"))
    create_search_index()


# The database's own full-text index over the normalised columns, kept in step by the database.
SQLITE_INDEX = [
    """CREATE VIRTUAL TABLE style_fts USING fts5(search_title, search_body, content='style_entries',
       content_rowid='id', tokenize="unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER style_fts_insert AFTER INSERT ON style_entries BEGIN
       INSERT INTO style_fts(rowid, search_title, search_body) VALUES (new.id, new.search_title, new.search_body);
       END""",
    """CREATE TRIGGER style_fts_delete AFTER DELETE ON style_entries BEGIN
       INSERT INTO style_fts(style_fts, rowid, search_title, search_body)
       VALUES ('delete', old.id, old.search_title, old.search_body);
       END""",
    """CREATE TRIGGER style_fts_update AFTER UPDATE OF search_title, search_body ON style_entries BEGIN
       INSERT INTO style_fts(style_fts, rowid, search_title, search_body)
       VALUES ('delete', old.id, old.search_title, old.search_body);
       INSERT INTO style_fts(rowid, search_title, search_body) VALUES (new.id, new.search_title, new.search_body);
       END""",
]
POSTGRESQL_INDEX = [
    """ALTER TABLE style_entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
       (setweight(to_tsvector('simple', search_title), 'A') || setweight(to_tsvector('simple', search_body), 'B'))
       STORED""",
    "CREATE INDEX ix_style_search ON style_entries USING gin (search_vector)",
]


def create_search_index():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_INDEX, "postgresql": POSTGRESQL_INDEX}.get(dialect, []):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("style_fts_insert", "style_fts_delete", "style_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS style_fts")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("style_override")

    with op.batch_alter_table("style_entry_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_style_entry_versions_entry_id"))

    op.drop_table("style_entry_versions")
    with op.batch_alter_table("style_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_style_kind_channel")

    op.drop_table("style_entries")
