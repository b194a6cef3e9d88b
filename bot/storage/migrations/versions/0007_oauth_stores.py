"""oauth stores: slack_sdk's SQLAlchemy installation and OAuth state tables

The same tables SQLAlchemyInstallationStore and SQLAlchemyOAuthStateStore build in their own
MetaData (slack_sdk 3.x), created here instead of by their create_tables(), so the migrations
stay the one source of the schema. tests/storage/test_oauth_tables.py checks that every column
slack_sdk declares is here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _bot_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32)),
        sa.Column("enterprise_name", sa.String(length=200)),
        sa.Column("team_id", sa.String(length=32)),
        sa.Column("team_name", sa.String(length=200)),
        sa.Column("bot_token", sa.String(length=200)),
        sa.Column("bot_id", sa.String(length=32)),
        sa.Column("bot_user_id", sa.String(length=32)),
        sa.Column("bot_scopes", sa.String(length=1000)),
        sa.Column("bot_refresh_token", sa.String(length=200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table("slack_bots", *_bot_columns())
    op.create_index(
        "slack_bots_idx", "slack_bots", ["client_id", "enterprise_id", "team_id", "installed_at"]
    )
    op.create_table(
        "slack_installations",
        *_bot_columns(),
        sa.Column("enterprise_url", sa.String(length=200)),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("user_token", sa.String(length=200)),
        sa.Column("user_scopes", sa.String(length=1000)),
        sa.Column("user_refresh_token", sa.String(length=200)),
        sa.Column("user_token_expires_at", sa.DateTime()),
        sa.Column("incoming_webhook_url", sa.String(length=200)),
        sa.Column("incoming_webhook_channel", sa.String(length=200)),
        sa.Column("incoming_webhook_channel_id", sa.String(length=200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(length=200)),
        sa.Column("token_type", sa.String(length=32)),
    )
    op.create_index(
        "slack_installations_idx",
        "slack_installations",
        ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(length=200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("slack_oauth_states")
    op.drop_index("slack_installations_idx", table_name="slack_installations")
    op.drop_table("slack_installations")
    op.drop_index("slack_bots_idx", table_name="slack_bots")
    op.drop_table("slack_bots")
