"""approvals: plans (and commitments) that require approval, and each post's review history

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12

Columns are added with plain ``ADD COLUMN`` (no constraint needs a table copy): on SQLite, copying
``posts`` would drop the rollup's triggers of 0007, and ``posts`` is not touched at all here. The
``in_review`` status needs no schema change: the rollup's triggers count only the statuses they list.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("plans", sa.Column("approval_required", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("commitments", sa.Column("approval_required", sa.Boolean(), nullable=True))
    op.create_table(
        "post_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(length=254), nullable=False),
        sa.Column("by_link", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], ondelete="SET NULL", name="fk_post_reviews_reviewer"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_post_reviews_post_id", "post_reviews", ["post_id"])


def downgrade():
    op.drop_index("ix_post_reviews_post_id", table_name="post_reviews")
    op.drop_table("post_reviews")
    with op.batch_alter_table("commitments") as batch_op:
        batch_op.drop_column("approval_required")
    with op.batch_alter_table("plans") as batch_op:
        batch_op.drop_column("approval_required")
