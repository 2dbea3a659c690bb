"""the posts list's indexes: pages by time, channel or status found by cursor

Revision ID: 0017
Revises: 0013
Create Date: 2027-02-01

The posts list pages with a cursor (``services.post_pages``): each page is a range of one of these
indexes, the plan first, then the sort's column, the time and the id, so page 2,000 of a plan with
100,000 posts costs what the first does.
"""

from alembic import op

revision = "0017"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_posts_list_time": ["plan_id", "scheduled_at", "id"],
    "ix_posts_list_channel": ["plan_id", "channel", "scheduled_at", "id"],
    "ix_posts_list_status": ["plan_id", "status", "scheduled_at", "id"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "posts", columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="posts")
