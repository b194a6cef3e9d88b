"""reflective cycle: a reflection's mode, each part of an answer by stage, skipped stages

reflections.mode is quick (a rating and one question) or deep (What? So what? Now what?); every
reflection stored before was quick. answer_parts keeps each reply at its stage and, for a Slack
DM, the message's ts, so an edit or a deletion of that message changes it; answers.text goes on
holding every part joined. Answers stored before have no parts: their text is their What. A
downgrade keeps every word: answers.text holds them all.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reflections") as batch_op:
        batch_op.add_column(
            sa.Column("mode", sa.String(length=8), server_default="quick", nullable=False)
        )
    with op.batch_alter_table("answers") as batch_op:
        batch_op.add_column(
            sa.Column("skipped_stages", sa.JSON(), server_default="[]", nullable=False)
        )
    op.create_table(
        "answer_parts",
        sa.Column("reflection_id", sa.String(length=36), nullable=False),
        sa.Column("attribute_id", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reflection_id", "attribute_id"],
            ["answers.reflection_id", "answers.attribute_id"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reflection_id", "attribute_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("answer_parts")
    with op.batch_alter_table("answers") as batch_op:
        batch_op.drop_column("skipped_stages")
    with op.batch_alter_table("reflections") as batch_op:
        batch_op.drop_column("mode")
