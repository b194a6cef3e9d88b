"""SqlDeliveryLog tells a first delivery from a repeat, durably, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event

from bot.coaching.errors import StorageUnavailable
from bot.storage.database import make_engine, upgrade
from bot.storage.deliveries import SqlDeliveryLog
from tests.fakes import FakeClock
from tests.keys import make_test_cipher


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, cipher=make_test_cipher())
    upgrade(engine)
    yield engine
    engine.dispose()


def test_a_key_is_new_once_and_a_repeat_afterwards(engine: Engine) -> None:
    log = SqlDeliveryLog(engine)
    assert log.first_time("event:Ev1") is True
    assert log.first_time("event:Ev1") is False
    assert log.first_time("event:Ev2") is True


def test_repeats_are_recognised_by_another_process_on_the_same_database(
    database_url: str, engine: Engine
) -> None:
    SqlDeliveryLog(engine).first_time("command:trigger-1")
    other = make_engine(
        database_url, cipher=make_test_cipher()
    )  # as a second replica, or the bot after a restart
    try:
        assert SqlDeliveryLog(other).first_time("command:trigger-1") is False
    finally:
        other.dispose()


def test_of_many_simultaneous_deliveries_of_one_key_exactly_one_is_first(engine: Engine) -> None:
    log = SqlDeliveryLog(engine)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: log.first_time("event:EvSame"), range(8)))
    assert results.count(True) == 1


def test_old_keys_are_pruned_and_recent_ones_kept(engine: Engine) -> None:
    clock = FakeClock()
    log = SqlDeliveryLog(engine, clock=clock, keep=timedelta(days=1), prune_every=3)
    log.first_time("old")
    clock.advance(days=2)
    log.first_time("recent")
    log.first_time("third call prunes")
    assert log.first_time("old") is True
    assert log.first_time("recent") is False


def test_prune_returns_how_many_keys_were_forgotten(engine: Engine) -> None:
    log = SqlDeliveryLog(engine)
    log.first_time("a")
    log.first_time("b")
    assert log.prune(before=datetime.now(UTC) + timedelta(seconds=1)) == 2


def test_an_unreachable_database_raises_storage_unavailable(engine: Engine) -> None:
    engine.dispose()

    @event.listens_for(engine, "do_connect")
    def _refuse(dialect, *_):  # type: ignore[no-untyped-def]
        raise dialect.loaded_dbapi.OperationalError("connection refused (test)")

    with pytest.raises(StorageUnavailable):
        SqlDeliveryLog(engine).first_time("event:Ev1")


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_an_empty_or_overlong_key_is_refused(engine: Engine, key: str) -> None:
    with pytest.raises(ValueError):
        SqlDeliveryLog(engine).first_time(key)
