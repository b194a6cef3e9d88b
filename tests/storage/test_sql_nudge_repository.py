"""SqlNudgeRepository: one message per period and kind, claims that never overlap, fenced updates.

Runs on SQLite, and on PostgreSQL when LIF_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from bot.coaching.errors import ConcurrentUpdate
from bot.coaching.followup.models import (
    CheckIn,
    CheckInResponse,
    NudgeKind,
    NudgePreferences,
    NudgeStatus,
    PlannedNudge,
    PlanResult,
    SentMark,
)
from bot.coaching.models import Person
from bot.storage.database import current_revision, make_engine, upgrade
from bot.storage.nudges import SqlNudgeRepository, _planned_row, _utc
from bot.storage.tables import nudges
from tests.keys import make_test_cipher
from tests.nudges.seed import seed_due_nudges

ALICE = Person(workspace_id="T1", user_id="U1")
NOW = datetime(2026, 12, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, cipher=make_test_cipher())
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> SqlNudgeRepository:
    return SqlNudgeRepository(engine)


@pytest.fixture
def prefs(store: SqlNudgeRepository) -> NudgePreferences:
    return store.save_preferences(
        NudgePreferences(person=ALICE, timezone="Europe/London", anchor=date(2026, 12, 1))
    )


def _nudge(period: str = "fortnightly:2026-12-15", due: datetime = NOW, **changes) -> PlannedNudge:
    values = {"person": ALICE, "kind": NudgeKind.NUDGE, "period_key": period, "due_at": due}
    return PlannedNudge(**(values | {"attribute_id": "L1"} | changes))


def test_migration_0003_creates_the_follow_up_tables(engine: Engine) -> None:
    assert current_revision(engine) >= "0003"
    assert {"nudge_preferences", "nudges", "check_ins"} <= set(inspect(engine).get_table_names())


def test_preferences_read_back_and_a_stale_save_is_refused(store, prefs) -> None:
    assert store.preferences(ALICE) == prefs and prefs.version == 1
    changed = store.save_preferences(prefs.model_copy(update={"paused_until": date(2027, 1, 4)}))
    assert store.preferences(ALICE) == changed and changed.version == 2
    with pytest.raises(ConcurrentUpdate):
        store.save_preferences(prefs.model_copy(update={"stopped": True}))


def test_the_database_refuses_a_second_message_for_the_same_period_and_kind(store, prefs) -> None:
    assert store.plan(_nudge(), prefs_version=prefs.version) is PlanResult.PLANNED
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert(nudges).values(**_planned_row(_nudge())))


def test_planning_replaces_the_pending_message_and_never_reuses_a_sent_period(store, prefs) -> None:
    v = prefs.version
    assert store.plan(_nudge(), prefs_version=v) is PlanResult.PLANNED
    later = _nudge("fortnightly:2026-12-29", NOW + timedelta(days=14))
    assert store.plan(later, prefs_version=v) is PlanResult.PLANNED
    statuses = {n.period_key: n.status for n in store.nudges_for(ALICE)}
    assert statuses == {
        "fortnightly:2026-12-15": NudgeStatus.CANCELLED,
        "fortnightly:2026-12-29": NudgeStatus.PENDING,
    }
    # Planning the cancelled period again revives it (nothing was sent for it).
    assert store.plan(_nudge(), prefs_version=v) is PlanResult.PLANNED
    (claimed,) = store.claim_due(now=NOW, limit=10, worker="w1", claimed_at=NOW)
    mark = SentMark(nudge_id=claimed.record.id, sent_at=NOW, ref="1.1")
    assert store.mark_sent([mark], worker="w1") == [PlanResult.PLANNED]
    assert store.plan(_nudge(), prefs_version=v) is PlanResult.PERIOD_TAKEN
    assert store.plan(later, prefs_version=v - 1) is PlanResult.STALE


def test_claims_take_due_messages_once_oldest_first(store) -> None:
    seed_due_nudges(store, 5, due_at=NOW - timedelta(minutes=5))
    seed_due_nudges(store, 2, due_at=NOW + timedelta(hours=1), workspace="T-LATER")
    first = store.claim_due(now=NOW, limit=3, worker="w1", claimed_at=NOW)
    second = store.claim_due(now=NOW, limit=10, worker="w2", claimed_at=NOW)
    assert len(first) == 3 and len(second) == 2
    ids = [d.record.id for d in first + second]
    assert len(set(ids)) == 5
    assert all(d.preferences is not None and d.record.attribute_id == "L1" for d in first)
    assert store.claim_due(now=NOW, limit=10, worker="w3", claimed_at=NOW) == []
    assert store.status_counts() == {"sending": 5, "pending": 2}


def test_a_reaped_claim_comes_back_uncertain_and_its_old_owner_cannot_touch_it(store) -> None:
    seed_due_nudges(store, 2, due_at=NOW)
    (a, b) = store.claim_due(now=NOW, limit=2, worker="dead", claimed_at=NOW)
    assert store.reap(claimed_before=NOW) == 0  # within the lease
    assert store.reap(claimed_before=NOW + timedelta(minutes=6)) == 2
    assert store.mark_sent(
        [SentMark(nudge_id=a.record.id, sent_at=NOW, ref="")], worker="dead"
    ) == [None]
    again = store.claim_due(now=NOW, limit=5, worker="alive", claimed_at=NOW + timedelta(minutes=6))
    assert {d.record.id for d in again} == {a.record.id, b.record.id}
    assert all(d.uncertain and d.earlier_claim_at == NOW for d in again)
    assert store.release(a.record.id, worker="dead", due_at=NOW) is False
    assert store.cancel(a.record.id, worker="alive", reason="test") is True


def test_a_failed_person_is_stopped_with_the_reason(store, prefs) -> None:
    store.plan(_nudge(), prefs_version=prefs.version)
    store.plan(_nudge("re_reflection:r:1", kind=NudgeKind.RE_REFLECTION), prefs_version=1)
    due = store.claim_due(now=NOW, limit=1, worker="w", claimed_at=NOW)[0]
    assert store.fail(due.record.id, worker="w", error="user_not_found", stop_person=True)
    stopped = store.preferences(ALICE)
    assert stopped.stopped and stopped.stop_reason == "unreachable: user_not_found"
    assert {n.status for n in store.nudges_for(ALICE)} == {
        NudgeStatus.FAILED,
        NudgeStatus.CANCELLED,
    }


def test_check_ins_keep_notes_exactly(store) -> None:
    notes = ["We did it 🎉 — finally ✅", "'; DROP TABLE check_ins; --", "x" * 3000, None]
    for n, note in enumerate(notes):
        store.add_check_in(
            CheckIn(
                person=ALICE,
                response=CheckInResponse.SOME_PROGRESS,
                note=note,
                attribute_id="L1",
                period_key=f"p{n}",
                created_at=NOW + timedelta(minutes=n),
            )
        )
    assert [c.note for c in store.check_ins_for(ALICE)] == notes
    assert store.check_ins_for(Person(workspace_id="T2", user_id="U1")) == []


@pytest.mark.postgres
def test_on_postgres_a_claim_skips_rows_locked_by_another_dispatcher(store, on_postgres) -> None:
    if not on_postgres:
        pytest.skip("SKIP LOCKED needs PostgreSQL (set LIF_TEST_DATABASE_URL)")
    seed_due_nudges(store, 6, due_at=NOW)
    with store.engine.connect() as other:
        transaction = other.begin()
        locked = (
            other.execute(select(nudges.c.id).order_by(nudges.c.id).limit(4).with_for_update())
            .scalars()
            .all()
        )
        # Without SKIP LOCKED this would wait for the other transaction.
        claimed = store.claim_due(now=NOW, limit=10, worker="w", claimed_at=NOW)
        transaction.rollback()
    assert len(claimed) == 2 and not {d.record.id for d in claimed} & set(locked)


def test_a_group_marked_sent_is_stored_exactly_as_one_planned_at_a_time(store, prefs) -> None:
    # Marks and follow-ups reach the database as one JSON document per statement: odd text,
    # microseconds and the instants a claim compares must come out as plan() stores them.
    odd = Person(workspace_id="T1", user_id="U\"\\é'1")
    odd_prefs = store.save_preferences(prefs.model_copy(update={"person": odd, "version": 0}))
    later = NOW + timedelta(days=14, microseconds=123_456)
    for person in (ALICE, odd):
        store.plan(_nudge(person=person), prefs_version=1)
    claimed = store.claim_due(now=NOW, limit=10, worker="w", claimed_at=NOW)
    marks = [
        SentMark(
            nudge_id=due.record.id,
            sent_at=NOW + timedelta(microseconds=7),
            ref=f"ts-{due.record.person.user_id}",
            followups=(_nudge("fortnightly:2026-12-29", later, person=due.record.person),),
            prefs_version=odd_prefs.version,
        )
        for due in claimed
    ]
    assert store.mark_sent(marks, worker="w") == [PlanResult.PLANNED, PlanResult.PLANNED]
    one_by_one = Person(workspace_id="T1", user_id="U2")
    store.save_preferences(prefs.model_copy(update={"person": one_by_one, "version": 0}))
    store.plan(_nudge("fortnightly:2026-12-29", later, person=one_by_one), prefs_version=1)

    with store.engine.connect() as connection:
        stored = connection.execute(
            select(nudges.c.user_id, nudges.c.due_at, nudges.c.sent_at, nudges.c.delivery_ref)
        ).all()
    sent = {
        row.user_id: (row.delivery_ref, _utc(row.sent_at))
        for row in stored
        if row.sent_at is not None
    }
    assert sent == {
        user: (f"ts-{user}", NOW + timedelta(microseconds=7)) for user in ("U1", odd.user_id)
    }
    planned = {row.due_at for row in stored if row.sent_at is None}
    assert len(planned) == 1  # the same stored value, whichever way it was planned
    assert (
        store.claim_due(
            now=later - timedelta(microseconds=1), limit=10, worker="w2", claimed_at=NOW
        )
        == []
    )
    due_then = store.claim_due(now=later, limit=10, worker="w2", claimed_at=NOW)
    assert {d.record.person for d in due_then} == {ALICE, odd, one_by_one}
    assert all(d.record.due_at == later for d in due_then)
