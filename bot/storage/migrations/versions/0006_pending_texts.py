"""pending_texts: text held back by the patient-data warning until the person chooses

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_texts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("reflection_id", sa.String(length=36), nullable=False),
        sa.Column("attribute_id", sa.String(length=8), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["reflection_id"], ["reflections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pending_texts", schema=None) as batch_op:
        batch_op.create_index("ix_pending_texts_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_texts", schema=None) as batch_op:
        batch_op.drop_index("ix_pending_texts_created_at")
    op.drop_table("pending_texts")
