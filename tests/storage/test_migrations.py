"""The migrations build exactly the schema bot/storage/tables.py declares, and step down and up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from bot.storage.database import _alembic_config, current_revision, make_engine, upgrade
from bot.storage.nudges import SqlNudgeRepository
from bot.storage.tables import metadata
from tests.keys import make_test_cipher
from tests.nudges.seed import seed_due_nudges


def _ours(item: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
    """Our tables and what is on them; slack_sdk's OAuth tables (migration 0007) are checked
    against slack_sdk's own declaration in test_oauth_tables.py."""
    table = name if kind == "table" else getattr(getattr(item, "table", None), "name", None)
    return table is None or table in metadata.tables


def _differences(engine: object) -> list[object]:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        context = MigrationContext.configure(connection, opts={"include_object": _ours})
        return list(compare_metadata(context, metadata))


def test_the_migrated_schema_is_the_one_the_code_declares(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    assert _differences(engine) == []
    engine.dispose()


def test_the_latest_migration_steps_down_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    head = upgrade(engine)
    config = _alembic_config(engine)
    command.downgrade(config, "-1")
    assert current_revision(engine) != head
    command.upgrade(config, "head")
    assert current_revision(engine) == head
    assert _differences(engine) == []
    engine.dispose()


def test_a_claim_reads_due_messages_in_order_from_the_index(
    database_url: str, on_postgres: bool
) -> None:
    """With thousands due at once, the claim's plan reads the first rows of the (status,
    due_at, id) index in order instead of sorting every due row."""
    engine = make_engine(database_url, cipher=make_test_cipher())
    upgrade(engine)
    now = datetime.now(UTC)
    seed_due_nudges(SqlNudgeRepository(engine), 3000, due_at=now - timedelta(minutes=1))
    claim = (
        "SELECT id FROM nudges WHERE status = 'pending' AND due_at <= :now "
        "ORDER BY due_at, id LIMIT 100"
    )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
        explain = "EXPLAIN " if on_postgres else "EXPLAIN QUERY PLAN "
        plan = "\n".join(
            str(row[-1]) for row in connection.execute(text(explain + claim), {"now": now})
        )
    assert "ix_nudges_status_due_id" in plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan
    engine.dispose()
