"""delivery identity: trusted HTML, and posts handed over to a service ahead of their time

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

``trusted_html``: a manager's word that the post's raw HTML may reach the channel unsanitised.
``hand_over_early``: hand the post to a service that schedules by itself (WordPress ``future``,
YouTube ``publishAt``) as soon as it is scheduled, so it goes out even if Refrain is down at its time;
``handed_over_at``: when the service last received it that way. Plain ``ADD COLUMN``s: copying
``posts`` on SQLite would drop the rollup's triggers of 0007.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("posts", sa.Column("trusted_html", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("posts", sa.Column("hand_over_early", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("posts", sa.Column("handed_over_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_column("handed_over_at")
        batch_op.drop_column("hand_over_early")
        batch_op.drop_column("trusted_html")
