"""media: the media library's uploaded images and videos

Revision ID: 0015
Revises: 0014
Create Date: 2027-02-01

``media_files``: one row per uploaded medium, named by its content's SHA-256 (the stored file's name,
and its thumbnail's), with the type judged from its bytes, its size in bytes and pixels, its alt text
and who uploaded it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("thumbnail", sa.String(length=100), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("alt", sa.Text(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("uploader_name", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["uploader_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("thumbnail"),
    )
    op.create_index(op.f("ix_media_files_created_at"), "media_files", ["created_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_media_files_created_at"), table_name="media_files")
    op.drop_table("media_files")
