"""recorded by hand: a post a person recorded as published elsewhere, with a link as its evidence

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-24

``posts.recorded_by_hand``: the post went out outside Refrain and a person said so, giving the link
(``remote_url``) and the time it went out (``published_at``); the report counts these apart, so a
commitment met by hand says so. A plain ``ADD COLUMN``: copying ``posts`` on SQLite would drop the
rollup's triggers of 0007.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("posts", sa.Column("recorded_by_hand", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_column("recorded_by_hand")
