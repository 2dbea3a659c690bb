"""repetition state: the links and the rollup's revisions the stored groups were found from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

With them, a report after an edit searches again only the 14-day window around the changed quarter
hours (``domain.repetition_update``) instead of every post of the plan. A row without them (stored
before this revision) is simply found again in full, once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("repetition_results") as batch_op:
        batch_op.add_column(sa.Column("state", sa.LargeBinary(), nullable=True))
    # which posts were adapted from a changed one: asked after every edit, so not a scan of every post
    op.create_index("ix_posts_adapted_from", "posts", ["adapted_from_post_id"])


def downgrade():
    op.drop_index("ix_posts_adapted_from", table_name="posts")
    with op.batch_alter_table("repetition_results") as batch_op:
        batch_op.drop_column("state")
