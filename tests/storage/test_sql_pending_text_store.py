"""SqlPendingTextStore: a held-back text is taken once, by its owner, within a day."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select

from bot.coaching.models import Person, Reflection
from bot.storage.database import make_engine, upgrade
from bot.storage.pending import SqlPendingTextStore
from bot.storage.repository import SqlReflectionRepository
from bot.storage.tables import pending_texts
from tests.fakes import FakeClock
from tests.keys import make_test_cipher

LONG = "x" * 39_999 + "é"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, cipher=make_test_cipher())
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def reflection(engine: Engine, nurse: Person, clock: FakeClock) -> Reflection:
    reflection = Reflection(
        id="r-1",
        person=nurse,
        scope="leadership",
        framework_version="1",
        attribute_ids=["L1", "L2"],
        started_at=clock.now(),
        updated_at=clock.now(),
    )
    SqlReflectionRepository(engine).add(reflection)
    return reflection


@pytest.fixture
def store(engine: Engine, clock: FakeClock) -> SqlPendingTextStore:
    return SqlPendingTextStore(engine, clock=clock)


def _hold(store: SqlPendingTextStore, person: Person, text: str = "Mrs Jones in bed 3") -> str:
    return store.add(person, reflection_id="r-1", attribute_id="L1", purpose="reply", text=text)


def _rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(pending_texts)).scalar_one()


def test_a_text_is_taken_once_whole(
    store: SqlPendingTextStore, reflection: Reflection, nurse: Person, engine: Engine
) -> None:
    held = _hold(store, nurse, LONG)

    taken = store.take(held, nurse)

    assert taken is not None and taken.text == LONG and taken.purpose == "reply"
    assert (taken.reflection_id, taken.attribute_id, taken.person) == ("r-1", "L1", nurse)
    assert store.take(held, nurse) is None
    assert _rows(engine) == 0, "a used text is deleted"


def test_someone_else_cannot_take_it(
    store: SqlPendingTextStore, reflection: Reflection, nurse: Person, colleague: Person
) -> None:
    held = _hold(store, nurse)
    assert store.take(held, colleague) is None
    assert store.take(held, nurse) is not None


def test_a_text_expires_after_a_day_and_is_pruned(
    store: SqlPendingTextStore,
    reflection: Reflection,
    nurse: Person,
    clock: FakeClock,
    engine: Engine,
) -> None:
    stale = _hold(store, nurse)
    clock.advance(days=1, seconds=1)
    assert store.take(stale, nurse) is None

    _hold(store, nurse)
    clock.advance(days=1, seconds=1)
    _hold(store, nurse)  # adding prunes what expired
    assert _rows(engine) == 1


def test_of_many_simultaneous_clicks_exactly_one_takes_the_text(
    store: SqlPendingTextStore, reflection: Reflection, nurse: Person
) -> None:
    held = _hold(store, nurse)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: store.take(held, nurse), range(6)))
    assert sum(result is not None for result in results) == 1


def test_an_unknown_purpose_is_refused(
    store: SqlPendingTextStore, reflection: Reflection, nurse: Person
) -> None:
    with pytest.raises(ValueError):
        store.add(nurse, reflection_id="r-1", attribute_id="L1", purpose="other", text="x")
