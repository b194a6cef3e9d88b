"""Start-up migrations with several replicas: on PostgreSQL they take turns under a lock."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text

from bot.storage.database import (
    MIGRATION_LOCK_SPACE,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)
from tests.keys import make_test_cipher

pytestmark = pytest.mark.skipif(
    not os.environ.get("LIF_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the advisory lock is PostgreSQL's (SQLite serialises writers by itself): "
    "set LIF_TEST_DATABASE_URL=postgresql://...",
)


@pytest.fixture
def engines(database_url: str) -> Iterator[list[Engine]]:
    """Four engines on one empty schema, as four replicas starting together would have."""
    made = [make_engine(database_url, cipher=make_test_cipher()) for _ in range(4)]
    yield made
    for engine in made:
        engine.dispose()


def test_replicas_starting_together_all_end_on_the_newest_migration(engines) -> None:
    start = threading.Barrier(len(engines))

    def replica(engine: Engine) -> str:
        start.wait()
        return upgrade(engine)

    with ThreadPoolExecutor(len(engines)) as pool:
        revisions = list(pool.map(replica, engines))

    assert revisions == [head_revision()] * len(engines)


def test_a_replica_waits_while_another_holds_the_migration_lock(engines) -> None:
    holder, waiter = engines[0], engines[1]
    with holder.connect() as connection:
        lock = "SELECT pg_advisory_lock(:space, hashtext(current_schema()))"
        connection.execute(text(lock), {"space": MIGRATION_LOCK_SPACE})
        with ThreadPoolExecutor(1) as pool:
            migrating = pool.submit(upgrade, waiter)
            with pytest.raises(TimeoutError):
                migrating.result(timeout=1.0)
            assert current_revision(holder) is None, "nothing migrated while the lock was held"
            unlock = "SELECT pg_advisory_unlock(:space, hashtext(current_schema()))"
            connection.execute(text(unlock), {"space": MIGRATION_LOCK_SPACE})
            assert migrating.result(timeout=30) == head_revision()
