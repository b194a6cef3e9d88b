"""Migration 0007 creates the tables slack_sdk's SQLAlchemy OAuth stores read and write."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import inspect

from bot.storage.database import make_engine, upgrade


def test_the_migrated_tables_have_every_column_slack_sdk_declares(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    installations = SQLAlchemyInstallationStore("111.222", engine=engine)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    found = inspect(engine)
    for table in (installations.installations, installations.bots, states.oauth_states):
        migrated = {column["name"] for column in found.get_columns(table.name)}
        assert {column.name for column in table.columns} <= migrated, table.name
    state = states.issue()
    assert states.consume(state) and not states.consume(state)
    engine.dispose()
