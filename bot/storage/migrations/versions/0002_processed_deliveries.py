"""processed_deliveries: Slack deliveries already handled, so a retry is handled once

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processed_deliveries",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("processed_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_processed_deliveries_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("processed_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_deliveries_created_at")
    op.drop_table("processed_deliveries")
