"""interactions: customer interactions, the team's kinds of them, help desk mappings, scripts' patterns

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12

New tables only (no table of earlier migrations is copied, so the rollup's and the style search's
triggers stay as they are). The team's first kinds are seeded; managers add and rename them.
``ix_interactions_patterns`` is the pattern report's covering index: its GROUP BY reads it alone.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FIRST_KINDS = ("complaint", "question", "praise", "refund request")


def upgrade():
    kinds = op.create_table(
        "interaction_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=254), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("source_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["kind_id"], ["interaction_kinds.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_key", name="uq_interaction_source_key"),
    )
    op.create_index("ix_interactions_patterns", "interactions", ["occurred_on", "channel", "kind_id", "negative"])
    op.create_index("ix_interactions_time", "interactions", ["occurred_at"])
    op.create_index("ix_interactions_kind_id", "interactions", ["kind_id"])
    op.create_table(
        "interaction_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("header_signature", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_interaction_mappings_header_signature", "interaction_mappings", ["header_signature"])
    op.create_table(
        "script_patterns",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["style_entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kind_id"], ["interaction_kinds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entry_id"),
    )
    op.create_index("ix_script_patterns_kind_id", "script_patterns", ["kind_id"])
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC, as the models store it
    op.bulk_insert(kinds, [{"name": name, "created_at": now} for name in FIRST_KINDS])


def downgrade():
    op.drop_table("script_patterns")
    op.drop_table("interaction_mappings")
    op.drop_table("interactions")
    op.drop_table("interaction_kinds")
