"""llm_usage, coach_profiles, coach_turns: the optional AI coach's budget and memory

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "llm_usage",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", "day"),
    )
    op.create_table(
        "coach_profiles",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "user_id"),
    )
    op.create_table(
        "coach_turns",
        sa.Column("reflection_id", sa.String(length=36), nullable=False),
        sa.Column("attribute_id", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["reflection_id"], ["reflections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("reflection_id", "attribute_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("coach_turns")
    op.drop_table("coach_profiles")
    op.drop_table("llm_usage")
