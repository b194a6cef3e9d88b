"""nudges due order: the claim's whole ORDER BY (due_at, id) in the pending-and-due index

The dispatcher claims `WHERE status = 'pending' AND due_at <= now ORDER BY due_at, id LIMIT n`.
With the index on (status, due_at) only, PostgreSQL read and sorted every due row to find the
first n whenever many were due at once (a backlog, or a whole organisation's check-ins at 10:00);
with id in the index it reads the first n in order and stops.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:00:00.000000
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nudges") as batch_op:
        batch_op.create_index("ix_nudges_status_due_id", ["status", "due_at", "id"], unique=False)
        batch_op.drop_index("ix_nudges_status_due_at")


def downgrade() -> None:
    with op.batch_alter_table("nudges") as batch_op:
        batch_op.create_index("ix_nudges_status_due_at", ["status", "due_at"], unique=False)
        batch_op.drop_index("ix_nudges_status_due_id")
