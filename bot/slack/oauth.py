"""OAuth install mode: one process serving every workspace that installed the app.

When SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set and SLACK_BOT_TOKEN is not, Bolt runs its
OAuth flow: GET /slack/install sends the installer to Slack, GET /slack/oauth_redirect trades the
code for a bot token (oauth.v2.access) and keeps it in slack_sdk's SQLAlchemy installation store;
every later request is authorised with its own workspace's token from that store, and the
follow-up check-ins go out with it too (bot/slack/nudge_sender.py `installed_clients`).

The stores' tables (slack_installations, slack_bots, slack_oauth_states) are created by the
Alembic migration 0007, not by their create_tables(), so the migrations stay the one source of
the schema (and /readyz keeps meaning "migrated").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from slack_bolt.oauth.oauth_settings import OAuthSettings
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION_S = 600
# The bot scopes of deploy/slack-app-manifest.yaml (tests/slack/test_oauth.py keeps them equal).
BOT_SCOPES = ("chat:write", "commands", "files:write", "im:history", "im:write", "users:read")


def is_oauth_mode(settings: Settings) -> bool:
    """Whether the bot serves installed workspaces (client id and secret, no single bot token)."""
    return (
        settings.slack_bot_token is None
        and bool(settings.slack_client_id)
        and settings.slack_client_secret is not None
    )


def make_oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """Bolt's OAuthSettings with installations and states kept in our database.

    Imported here: slack_sdk's state store pulls in SQLAlchemy's asyncio (greenlet), which the
    single-token mode never needs.
    """
    from slack_bolt.oauth.oauth_settings import OAuthSettings
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    if not settings.slack_client_id or settings.slack_client_secret is None:
        raise SettingsError("OAuth install mode needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        install_page_rendering_enabled=False,  # straight to Slack's consent page (a 302)
        redirect_uri_path=REDIRECT_PATH,
        installation_store=make_installation_store(settings, engine),
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_S, engine=engine),
    )


def make_installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """The workspaces' bot tokens, kept by the OAuth flow and read by the check-in sender."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    if not settings.slack_client_id:
        raise SettingsError("OAuth install mode needs SLACK_CLIENT_ID")
    return SQLAlchemyInstallationStore(settings.slack_client_id, engine=engine)
