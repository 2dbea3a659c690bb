"""post sets: one idea composed for several channels, each channel's post kept with its set

Revision ID: 0016
Revises: 0015
Create Date: 2027-02-01

``post_sets``: the idea (text, title, link, media) and the plan it was composed in. ``posts.set_id``:
the set a post belongs to; ``posts.set_digest``: a digest of the post's content as the composer last
adapted it, so a post still equal to it is untouched and follows the idea when it changes. Plain
``ADD COLUMN``s on SQLite (the reference written in the column; a set is never deleted but with its
plan, whose posts go too, so it needs no ON DELETE): copying ``posts`` would drop the rollup's
triggers of 0007.
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "post_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("idea", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL", name="fk_post_sets_author"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_post_sets_plan_id", "post_sets", ["plan_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE posts ADD COLUMN set_id INTEGER CONSTRAINT fk_posts_set REFERENCES post_sets (id)")
    else:
        op.add_column("posts", sa.Column("set_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_posts_set", "posts", "post_sets", ["set_id"], ["id"])
    op.add_column("posts", sa.Column("set_digest", sa.String(length=64), nullable=False, server_default=""))
    op.create_index("ix_posts_set", "posts", ["set_id"])


def downgrade():
    op.drop_index("ix_posts_set", table_name="posts")
    if op.get_bind().dialect.name == "sqlite":
        # a column with a reference goes only by copying the table, which drops its triggers: the
        # rollup's triggers (0007) are made again right after, in the same transaction
        with op.batch_alter_table("posts") as batch_op:
            batch_op.drop_column("set_digest")
            batch_op.drop_column("set_id")
        for statement in _rollups().SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.drop_constraint("fk_posts_set", "posts", type_="foreignkey")
        op.drop_column("posts", "set_id")
        op.drop_column("posts", "set_digest")
    op.drop_index("ix_post_sets_plan_id", table_name="post_sets")
    op.drop_table("post_sets")


def _rollups():
    """Revision 0007's module (Alembic loads revisions by path, not as a package)."""
    spec = importlib.util.spec_from_file_location("refrain_0007", Path(__file__).with_name("0007_report_rollups.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
