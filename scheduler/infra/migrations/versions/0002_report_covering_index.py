"""a covering index for the compliance report

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("posts") as batch:
        batch.drop_index("ix_posts_plan_channel_time")
        batch.create_index("ix_posts_report", ["plan_id", "channel", "status", "scheduled_at", "on_theme"])


def downgrade():
    with op.batch_alter_table("posts") as batch:
        batch.drop_index("ix_posts_report")
        batch.create_index("ix_posts_plan_channel_time", ["plan_id", "channel", "scheduled_at"])
