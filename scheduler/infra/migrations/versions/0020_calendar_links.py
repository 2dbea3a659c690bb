"""calendar links: a person's secret address for the calendar feeds of the plans

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05

``calendar_links``: one row per person (renewing replaces the secret in place; revoking empties
``sealed`` and sets ``revoked_at``). ``digest`` is the SHA-256 of the secret, which finds the row when
a calendar app asks; ``sealed`` is the secret encrypted under SECRET_KEY, so the person's page can show
the addresses again (services/calendar_links.py says why).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
        sa.UniqueConstraint("user_id"),
    )


def downgrade():
    op.drop_table("calendar_links")
