"""people: users, their API tokens, the audit trail, and each post's author

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("totp_secret", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("read_only", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_actor_id", "audit_events", ["actor_id"])
    op.create_index("ix_audit_object", "audit_events", ["object_type", "object_id", "id"])
    op.create_index("ix_audit_at", "audit_events", ["at"])
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a named reference only by copying the table, which drops the table's triggers: the
        # rollup's triggers (0007) are made again right after, in the same transaction
        with op.batch_alter_table("posts") as batch_op:
            batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key("fk_posts_author", "users", ["author_id"], ["id"], ondelete="SET NULL")
        for statement in _rollups().SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.add_column("posts", sa.Column("author_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_posts_author", "posts", "users", ["author_id"], ["id"], ondelete="SET NULL")


def _rollups():
    """Revision 0007's module (Alembic loads revisions by path, not as a package)."""
    spec = importlib.util.spec_from_file_location("refrain_0007", Path(__file__).with_name("0007_report_rollups.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("posts") as batch_op:
            batch_op.drop_constraint("fk_posts_author", type_="foreignkey")
            batch_op.drop_column("author_id")
        for statement in _rollups().SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.drop_constraint("fk_posts_author", "posts", type_="foreignkey")
        op.drop_column("posts", "author_id")
    op.drop_table("audit_events")
    op.drop_table("api_tokens")
    op.drop_table("users")
