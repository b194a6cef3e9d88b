"""privacy: encrypt what people wrote, team insight opt-ins, the privacy audit trail

Existing rows of the personal text columns are encrypted with the engine's cipher (the newest
key of LIF_ENCRYPTION_KEY); a database with such rows and no key refuses to migrate.
coach_profiles.role widens to TEXT, since a token is longer than the 200 characters it held.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.crypto import EncryptedColumns, cipher_of, transform_stored

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The personal text columns as of this revision (tables.py may add more later, each with a
# migration of its own).
ENCRYPTED = (
    EncryptedColumns("answers", ("reflection_id", "attribute_id"), ("text",)),
    EncryptedColumns("summaries", ("reflection_id",), ("domain_note",)),
    EncryptedColumns(
        "priorities", ("reflection_id", "attribute_id"), ("rationale", "quote", "goal")
    ),
    EncryptedColumns("check_ins", ("id",), ("note",)),
    EncryptedColumns("coach_profiles", ("workspace_id", "user_id"), ("role",)),
    EncryptedColumns("coach_turns", ("reflection_id", "attribute_id", "kind"), ("text",)),
)


def upgrade() -> None:
    with op.batch_alter_table("coach_profiles", schema=None) as batch_op:
        batch_op.alter_column(
            "role", existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=False
        )
    _transform_existing(encrypt=True)
    op.create_table(
        "team_optins",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("opted_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "user_id"),
    )
    op.create_table(
        "privacy_events",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("privacy_events", schema=None) as batch_op:
        batch_op.create_index("ix_privacy_events_happened_at", ["happened_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("privacy_events", schema=None) as batch_op:
        batch_op.drop_index("ix_privacy_events_happened_at")
    op.drop_table("privacy_events")
    op.drop_table("team_optins")
    _transform_existing(encrypt=False)
    with op.batch_alter_table("coach_profiles", schema=None) as batch_op:
        batch_op.alter_column(
            "role", existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=False
        )


def _transform_existing(*, encrypt: bool) -> None:
    connection = op.get_bind()
    if not any(_has_rows(connection, spec.table) for spec in ENCRYPTED):
        return  # a new database: nothing to encrypt, and no key needed to create it
    cipher = cipher_of(connection.dialect)
    change = cipher.encrypt if encrypt else cipher.decrypt
    for spec in ENCRYPTED:
        transform_stored(connection, spec, change)


def _has_rows(connection: sa.Connection, table: str) -> bool:
    return connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
