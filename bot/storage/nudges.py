"""SqlNudgeRepository: follow-up preferences, planned messages and check-ins in SQL.

It is both the service's NudgeRepository and the dispatcher's NudgeQueue. Claims use
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several dispatchers share the table
without waiting on each other; every change to a claimed row is fenced by `claimed_by`, so a
dispatcher whose claim was reaped cannot overwrite the next one's work. SQLite has no row locks
(SQLAlchemy leaves FOR UPDATE out there): the claim is one conditional UPDATE, which SQLite
serialises, so it stays correct, but run one dispatcher on SQLite.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.coaching.errors import ConcurrentUpdate
from bot.coaching.followup.models import (
    CheckIn,
    CheckInResponse,
    DueNudge,
    NudgeKind,
    NudgePreferences,
    NudgeRecord,
    NudgeStatus,
    PlannedNudge,
    PlanResult,
    SentMark,
)
from bot.coaching.models import Person
from bot.storage.database import transaction
from bot.storage.tables import check_ins, nudge_preferences, nudges, priorities

PENDING, SENDING = NudgeStatus.PENDING.value, NudgeStatus.SENDING.value
MAX_ERROR_CHARS = 500


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _at(value: datetime) -> datetime:
    """A stored, never-null instant, in UTC."""
    utc = _utc(value)
    assert utc is not None
    return utc


def _of(table: Any, person: Person) -> Any:
    return and_(table.c.workspace_id == person.workspace_id, table.c.user_id == person.user_id)


def _any_of(table: Any, people: Iterable[Person]) -> Any:
    """Rows of any of these people, as `workspace = ? AND user IN (...)` per workspace: the
    form both databases answer from the (workspace_id, user_id) index."""
    users: dict[str, set[str]] = {}
    for person in people:
        users.setdefault(person.workspace_id, set()).add(person.user_id)
    return or_(
        *(
            and_(table.c.workspace_id == workspace, table.c.user_id.in_(sorted(ids)))
            for workspace, ids in sorted(users.items())
        )
    )


class SqlNudgeRepository:
    """Implements NudgeRepository and NudgeQueue on a SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- preferences ----------------------------------------------------------------------

    def preferences(self, person: Person) -> NudgePreferences | None:
        """The person's preferences, or None."""
        with transaction(self.engine) as connection:
            row = (
                connection.execute(select(nudge_preferences).where(_of(nudge_preferences, person)))
                .mappings()
                .first()
            )
        return _preferences(row) if row else None

    def save_preferences(self, prefs: NudgePreferences) -> NudgePreferences:
        """Insert or update; ConcurrentUpdate when the stored version moved on."""
        saved = prefs.model_copy(update={"version": prefs.version + 1})
        values = _preferences_row(saved)
        try:
            with transaction(self.engine) as connection:
                if prefs.version == 0:
                    connection.execute(insert(nudge_preferences).values(**values))
                    return saved
                result = connection.execute(
                    update(nudge_preferences)
                    .where(_of(nudge_preferences, prefs.person))
                    .where(nudge_preferences.c.version == prefs.version)
                    .values(**values)
                )
                if result.rowcount != 1:
                    raise _crossed()
        except IntegrityError as error:
            raise _crossed() from error
        return saved

    # -- planning -------------------------------------------------------------------------

    def plan(self, nudge: PlannedNudge, *, prefs_version: int) -> PlanResult:
        """Make this the person's one pending message of its kind (see the port)."""
        with transaction(self.engine) as connection:
            return _plan(connection, nudge, prefs_version)

    def cancel_pending(
        self, person: Person, kinds: tuple[NudgeKind, ...], *, period_key: str | None = None
    ) -> int:
        """Cancel the person's pending messages of these kinds."""
        statement = (
            update(nudges)
            .where(_of(nudges, person))
            .where(nudges.c.status == PENDING)
            .where(nudges.c.kind.in_([k.value for k in kinds]))
        )
        if period_key is not None:
            statement = statement.where(nudges.c.period_key == period_key)
        with transaction(self.engine) as connection:
            result = connection.execute(
                statement.values(status=NudgeStatus.CANCELLED.value, last_error="cancelled")
            )
        return result.rowcount

    def nudges_for(self, person: Person) -> list[NudgeRecord]:
        """All of the person's messages, newest due first."""
        with transaction(self.engine) as connection:
            rows = connection.execute(
                select(nudges).where(_of(nudges, person)).order_by(nudges.c.due_at.desc())
            ).mappings()
            return [_record(row) for row in rows]

    def add_check_in(self, check_in: CheckIn) -> None:
        """Store a check-in."""
        values = check_in.model_dump(exclude={"person"}) | {
            "workspace_id": check_in.person.workspace_id,
            "user_id": check_in.person.user_id,
            "response": check_in.response.value,
        }
        with transaction(self.engine) as connection:
            connection.execute(insert(check_ins).values(**values))

    def check_ins_for(self, person: Person) -> list[CheckIn]:
        """The person's check-ins, oldest first."""
        with transaction(self.engine) as connection:
            rows = connection.execute(
                select(check_ins)
                .where(_of(check_ins, person))
                .order_by(check_ins.c.created_at, check_ins.c.id)
            ).mappings()
            return [_check_in(person, row) for row in rows]

    # -- the dispatcher's queue -----------------------------------------------------------

    def reap(self, *, claimed_before: datetime) -> int:
        """Messages stuck in 'sending' go back to 'pending', marked as possibly delivered."""
        with transaction(self.engine) as connection:
            result = connection.execute(
                update(nudges)
                .where(nudges.c.status == SENDING)
                .where(nudges.c.claimed_at < claimed_before)
                .values(
                    status=PENDING,
                    claimed_by=None,
                    uncertain_since=func.coalesce(nudges.c.uncertain_since, nudges.c.claimed_at),
                    last_error="claim expired mid-send",
                )
            )
        return result.rowcount

    def claim_due(
        self, *, now: datetime, limit: int, worker: str, claimed_at: datetime
    ) -> list[DueNudge]:
        """Claim up to `limit` due messages; other dispatchers skip the rows locked here."""
        due = (
            select(nudges.c.id)
            .where(nudges.c.status == PENDING)
            .where(nudges.c.due_at <= now)
            .order_by(nudges.c.due_at, nudges.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with transaction(self.engine) as connection:
            if connection.dialect.name == "postgresql":
                # Lock first, then update the locked ids: PostgreSQL may evaluate an IN
                # (subquery ... SKIP LOCKED) more than once and so claim more than `limit`.
                ids: Any = list(connection.execute(due).scalars())
            else:  # SQLite: one statement, so the write lock is taken at once
                ids = due.scalar_subquery()
            rows = (
                connection.execute(
                    update(nudges)
                    .where(nudges.c.id.in_(ids))
                    .where(nudges.c.status == PENDING)
                    .values(status=SENDING, claimed_by=worker, claimed_at=claimed_at)
                    .returning(*nudges.c)
                )
                .mappings()
                .all()
            )
            records = sorted((_record(row) for row in rows), key=lambda r: (r.due_at, r.id))
            uncertain = {row["id"]: _utc(row["uncertain_since"]) for row in rows}
            prefs = _preferences_of(connection, [r.person for r in records])
            goals = _goals_of(connection, records)
        return [
            DueNudge(
                record=record,
                preferences=prefs.get(record.person),
                goal=goals.get((record.reflection_id, record.attribute_id)),
                uncertain=uncertain[record.id] is not None,
                earlier_claim_at=uncertain[record.id],
                claimed_at=claimed_at,
            )
            for record in records
        ]

    def mark_sent(self, marks: list[SentMark], *, worker: str) -> list[PlanResult | None]:
        """Record deliveries and plan their follow-ups in one transaction (see the port).

        A handful of statements for the whole group, however many marks it holds: one fenced
        UPDATE, one lock on the people's preferences, one multi-row upsert of the follow-ups and
        one UPDATE cancelling what they replace. The outcome is the one marking each in turn
        would give (the last plan for a person and kind wins and cancels the others).
        """
        if not marks:
            return []
        with transaction(self.engine) as connection:
            marked = _mark_all_sent(connection, marks, worker)
            held = [mark for mark in marks if mark.nudge_id in marked and mark.followups]
            versions = _lock_people(connection, [mark.followups[0].person for mark in held])
            fresh = {
                mark.nudge_id
                for mark in held
                if versions.get(mark.followups[0].person) == mark.prefs_version
            }
            _plan_all(connection, [f for m in held if m.nudge_id in fresh for f in m.followups])
        return [
            None
            if mark.nudge_id not in marked
            else PlanResult.STALE
            if mark.followups and mark.nudge_id not in fresh
            else PlanResult.PLANNED
            for mark in marks
        ]

    def release(
        self,
        nudge_id: int,
        *,
        worker: str,
        due_at: datetime,
        error: str | None = None,
        attempt: bool = False,
        maybe_delivered: bool = False,
    ) -> bool:
        """Back to pending at `due_at` (see the port)."""
        values: dict[str, Any] = {
            "status": PENDING,
            "due_at": due_at,
            "claimed_by": None,
            "last_error": error[:MAX_ERROR_CHARS] if error else None,
            "attempts": nudges.c.attempts + (1 if attempt else 0),
        }
        if maybe_delivered:
            values["uncertain_since"] = func.coalesce(nudges.c.uncertain_since, nudges.c.claimed_at)
        statement = _fenced(nudge_id, worker).values(**values)
        with transaction(self.engine) as connection:
            return connection.execute(statement).rowcount == 1

    def cancel(self, nudge_id: int, *, worker: str, reason: str) -> bool:
        """Never send this message."""
        with transaction(self.engine) as connection:
            statement = _fenced(nudge_id, worker).values(
                status=NudgeStatus.CANCELLED.value, last_error=reason[:MAX_ERROR_CHARS]
            )
            return connection.execute(statement).rowcount == 1

    def fail(self, nudge_id: int, *, worker: str, error: str, stop_person: bool) -> bool:
        """Give up on a message; with stop_person, stop the person's follow-ups and say why."""
        with transaction(self.engine) as connection:
            failed = connection.execute(
                _fenced(nudge_id, worker)
                .values(status=NudgeStatus.FAILED.value, last_error=error[:MAX_ERROR_CHARS])
                .returning(nudges.c.workspace_id, nudges.c.user_id)
            ).first()
            if failed is None:
                return False
            if stop_person:
                _stop(connection, Person(workspace_id=failed[0], user_id=failed[1]), error)
        return True

    def status_counts(self) -> dict[str, int]:
        """How many messages are in each status (for operators and tests)."""
        with transaction(self.engine) as connection:
            rows = connection.execute(
                select(nudges.c.status, func.count()).group_by(nudges.c.status)
            ).all()
        return {status: count for status, count in rows}


# -- helpers that run inside a caller's transaction --------------------------------------------


def _mark_all_sent(connection: Connection, marks: Sequence[SentMark], worker: str) -> set[int]:
    """Mark the rows this worker still holds sent, in one statement; the ids it marked."""
    ids = [mark.nudge_id for mark in marks]
    sent_at = case(
        {m.nudge_id: literal(m.sent_at, nudges.c.sent_at.type) for m in marks},
        value=nudges.c.id,
    )
    refs = case({m.nudge_id: literal(m.ref[:64]) for m in marks}, value=nudges.c.id)
    statement = (
        update(nudges)
        .where(nudges.c.id.in_(ids))
        .where(nudges.c.status == SENDING)
        .where(nudges.c.claimed_by == worker)
        .values(
            status=NudgeStatus.SENT.value,
            sent_at=sent_at,
            delivery_ref=refs,
            uncertain_since=None,
            last_error=None,
        )
        .returning(nudges.c.id)
    )
    return set(connection.execute(statement).scalars())


def _lock_people(connection: Connection, people: Sequence[Person]) -> dict[Person, int]:
    """Lock these people's preferences rows, in one order so two dispatchers never deadlock
    (SQLite: the marking UPDATE already holds its write lock); their versions."""
    if not people:
        return {}
    rows = connection.execute(
        select(nudge_preferences.c.workspace_id, nudge_preferences.c.user_id)
        .add_columns(nudge_preferences.c.version)
        .where(_any_of(nudge_preferences, people))
        .order_by(nudge_preferences.c.workspace_id, nudge_preferences.c.user_id)
        .with_for_update()
    ).all()
    return {Person(workspace_id=ws, user_id=user): version for ws, user, version in rows}


def _plan_all(connection: Connection, planned: Sequence[PlannedNudge]) -> None:
    """_plan_locked for many, in two statements: a multi-row upsert, then the cancellations.

    Plans of distinct (person, kind) never touch each other's rows, so they go together; a
    person and kind planned twice in one group (rare) are planned one by one, in order.
    """
    kinds = Counter(map(_kind_of, planned))
    single = [nudge for nudge in planned if kinds[_kind_of(nudge)] == 1]
    for nudge in planned:
        if kinds[_kind_of(nudge)] > 1:
            _plan_locked(connection, nudge)
    if not single:
        return
    values = [_planned_row(nudge) for nudge in single]
    insert_rows = _insert(connection)
    upsert = insert_rows.on_conflict_do_update(
        index_elements=["workspace_id", "user_id", "period_key", "kind"],
        set_={
            column: insert_rows.excluded[column] for column in values[0] if column != "created_at"
        },
        # Not IN (...): an expanding parameter cannot go in a statement run for many rows.
        where=or_(nudges.c.status == PENDING, nudges.c.status == NudgeStatus.CANCELLED.value),
    ).returning(nudges.c.id, nudges.c.workspace_id, nudges.c.user_id, nudges.c.kind)
    # Executed with many parameter sets: SQLAlchemy sends them as multi-row VALUES batches
    # ("insertmanyvalues") from one cached compiled statement. A period already sent, being
    # sent or failed is not updated, so it is absent from what comes back.
    kept = connection.execute(upsert, values).all()
    by_kind: dict[str, list[Any]] = {}
    for row in kept:
        by_kind.setdefault(row.kind, []).append(row)
    for kind, rows in by_kind.items():  # one UPDATE per kind, on the person index
        people = [Person(workspace_id=row.workspace_id, user_id=row.user_id) for row in rows]
        connection.execute(
            update(nudges)
            .where(_any_of(nudges, people))
            .where(nudges.c.kind == kind)
            .where(nudges.c.status == PENDING)
            .where(nudges.c.id.not_in([row.id for row in rows]))
            .values(status=NudgeStatus.CANCELLED.value, last_error="replaced")
        )


def _lock_person(connection: Connection, person: Person) -> int | None:
    """Lock the person's preferences row (PostgreSQL) or take SQLite's write lock up front,
    so two plans for one person are serialised; returns the preferences version."""
    if connection.dialect.name == "sqlite":  # BEGIN DEFERRED would upgrade late and deadlock
        connection.execute(
            update(nudge_preferences)
            .where(_of(nudge_preferences, person))
            .values(version=nudge_preferences.c.version)
        )
    query = select(nudge_preferences.c.version).where(_of(nudge_preferences, person))
    return connection.execute(query.with_for_update()).scalar()


def _plan(connection: Connection, nudge: PlannedNudge, prefs_version: int) -> PlanResult:
    if _lock_person(connection, nudge.person) != prefs_version:
        return PlanResult.STALE
    return _plan_locked(connection, nudge)


def _plan_locked(connection: Connection, nudge: PlannedNudge) -> PlanResult:
    """Insert, or revive a pending/cancelled row of the same period; then cancel the others."""
    values = _planned_row(nudge)
    revived = {k: v for k, v in values.items() if k != "created_at"}
    upsert = (
        _insert(connection)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["workspace_id", "user_id", "period_key", "kind"],
            set_=revived,
            where=nudges.c.status.in_([PENDING, NudgeStatus.CANCELLED.value]),
        )
        .returning(nudges.c.id)
    )
    planned = connection.execute(upsert).scalar()
    if planned is None:  # sent, being sent or failed: that period is done
        return PlanResult.PERIOD_TAKEN
    connection.execute(
        update(nudges)
        .where(_of(nudges, nudge.person))
        .where(nudges.c.kind == nudge.kind.value)
        .where(nudges.c.status == PENDING)
        .where(nudges.c.id != planned)
        .values(status=NudgeStatus.CANCELLED.value, last_error="replaced")
    )
    return PlanResult.PLANNED


def _kind_of(nudge: PlannedNudge) -> tuple[str, str, str]:
    return nudge.person.workspace_id, nudge.person.user_id, nudge.kind.value


def _insert(connection: Connection) -> postgresql.Insert | sqlite.Insert:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(nudges)


def _fenced(nudge_id: int, worker: str) -> Any:
    """An UPDATE of a row this worker still holds."""
    return (
        update(nudges)
        .where(nudges.c.id == nudge_id)
        .where(nudges.c.status == SENDING)
        .where(nudges.c.claimed_by == worker)
    )


def _stop(connection: Connection, person: Person, error: str) -> None:
    connection.execute(
        update(nudge_preferences)
        .where(_of(nudge_preferences, person))
        .values(
            stopped=True,
            stop_reason=f"unreachable: {error}"[:255],
            version=nudge_preferences.c.version + 1,
            updated_at=datetime.now(UTC),
        )
    )
    connection.execute(
        update(nudges)
        .where(_of(nudges, person))
        .where(nudges.c.status == PENDING)
        .values(status=NudgeStatus.CANCELLED.value, last_error=f"unreachable: {error}"[:500])
    )


def _preferences_of(
    connection: Connection, people: Sequence[Person]
) -> dict[Person, NudgePreferences]:
    if not people:
        return {}
    rows = connection.execute(
        select(nudge_preferences).where(_any_of(nudge_preferences, people))
    ).mappings()
    found = (_preferences(row) for row in rows)
    return {prefs.person: prefs for prefs in found}


def _goals_of(
    connection: Connection, records: Sequence[NudgeRecord]
) -> dict[tuple[str | None, str | None], str | None]:
    keys = {(r.reflection_id, r.attribute_id) for r in records if r.attribute_id}
    if not keys:
        return {}
    pk = tuple_(priorities.c.reflection_id, priorities.c.attribute_id)
    rows = connection.execute(
        select(priorities.c.reflection_id, priorities.c.attribute_id, priorities.c.goal).where(
            pk.in_(list(keys))
        )
    ).all()
    return {(r[0], r[1]): r[2] for r in rows}


# -- rows and models ---------------------------------------------------------------------------


def _preferences_row(prefs: NudgePreferences) -> dict[str, Any]:
    row = prefs.model_dump(exclude={"person"})
    return row | {
        "workspace_id": prefs.person.workspace_id,
        "user_id": prefs.person.user_id,
        "cadence": prefs.cadence.value,
        "working_days": list(prefs.working_days),
        "focus": list(prefs.focus),
        "updated_at": datetime.now(UTC),
    }


def _preferences(row: Any) -> NudgePreferences:
    values = {k: v for k, v in row.items() if k not in ("workspace_id", "user_id", "updated_at")}
    return NudgePreferences(
        **values
        | {
            "person": Person(workspace_id=row["workspace_id"], user_id=row["user_id"]),
            "working_days": tuple(row["working_days"]),
            "focus": tuple(row["focus"]),
            "confirmed_at": _utc(row["confirmed_at"]),
        }
    )


def _planned_row(nudge: PlannedNudge) -> dict[str, Any]:
    return {
        "workspace_id": nudge.person.workspace_id,
        "user_id": nudge.person.user_id,
        "period_key": nudge.period_key,
        "kind": nudge.kind.value,
        "due_at": nudge.due_at,
        "status": PENDING,
        "reflection_id": nudge.reflection_id,
        "attribute_id": nudge.attribute_id,
        "attempts": 0,
        "last_error": None,
        "uncertain_since": None,
        "claimed_by": None,
        "claimed_at": None,
        "created_at": datetime.now(UTC),
    }


def _record(row: Any) -> NudgeRecord:
    return NudgeRecord(
        id=row["id"],
        person=Person(workspace_id=row["workspace_id"], user_id=row["user_id"]),
        kind=NudgeKind(row["kind"]),
        period_key=row["period_key"],
        due_at=_at(row["due_at"]),
        reflection_id=row["reflection_id"],
        attribute_id=row["attribute_id"],
        status=NudgeStatus(row["status"]),
        attempts=row["attempts"],
        sent_at=_utc(row["sent_at"]),
        last_error=row["last_error"],
    )


def _check_in(person: Person, row: Any) -> CheckIn:
    return CheckIn(
        person=person,
        response=CheckInResponse(row["response"]),
        note=row["note"],
        reflection_id=row["reflection_id"],
        attribute_id=row["attribute_id"],
        period_key=row["period_key"],
        created_at=_at(row["created_at"]),
    )


def _crossed() -> ConcurrentUpdate:
    return ConcurrentUpdate(
        "That change crossed with another one to your check-ins; nothing was changed. "
        "Please try again."
    )
