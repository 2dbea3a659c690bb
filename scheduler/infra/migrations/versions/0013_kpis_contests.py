"""kpis and contests: a plan's indicators month by month, the team's contests and their ideas

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-10

``kpis``: per plan and indicator, the targets, actuals and where each actual came from (small JSON
objects keyed ``YYYY-MM``), and whether the managers were told of its alert. ``contests`` and
``contest_ideas``: a contest's window, metric, channels and people, and its result once frozen.
``referral_codes.user_id``: the person a newsletter referral code is for (contests count by it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kpis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("better", sa.String(length=10), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("actuals", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("alerting", sa.Boolean(), nullable=False),
        sa.Column("alerted_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "key", name="uq_kpi_plan_key"),
    )
    op.create_index(op.f("ix_kpis_plan_id"), "kpis", ["plan_id"], unique=False)
    op.create_table(
        "contests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("frozen_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name="fk_contests_created_by", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "contest_ideas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("post_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_contest_ideas_author", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_contest_ideas_contest_id"), "contest_ideas", ["contest_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("referral_codes") as batch_op:
            batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key("fk_referral_codes_user", "users", ["user_id"], ["id"], ondelete="SET NULL")
    else:
        op.add_column("referral_codes", sa.Column("user_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_referral_codes_user", "referral_codes", "users", ["user_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("referral_codes") as batch_op:
            batch_op.drop_constraint("fk_referral_codes_user", type_="foreignkey")
            batch_op.drop_column("user_id")
    else:
        op.drop_constraint("fk_referral_codes_user", "referral_codes", type_="foreignkey")
        op.drop_column("referral_codes", "user_id")
    op.drop_index(op.f("ix_contest_ideas_contest_id"), table_name="contest_ideas")
    op.drop_table("contest_ideas")
    op.drop_table("contests")
    op.drop_index(op.f("ix_kpis_plan_id"), table_name="kpis")
    op.drop_table("kpis")
