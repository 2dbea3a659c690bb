"""a person's language: their browser's unless they choose one

Revision ID: 0018
Revises: 0017
Create Date: 2027-02-15

Until now everyone read English, and ``language`` said "en" for everyone who never chose; the
interface now speaks English, French and Chinese, and a person who never chose reads their browser's
language. An empty ``language`` says "the browser's"; nobody could choose before, so every "en" becomes
that.
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE users SET language = '' WHERE language = 'en' OR language IS NULL")


def downgrade() -> None:
    op.execute("UPDATE users SET language = 'en' WHERE language = ''")
