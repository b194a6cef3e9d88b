"""SqlNudgeRepository: follow-up preferences, planned messages and check-ins in SQL.

It is both the service's NudgeRepository and the dispatcher's NudgeQueue. Claims use
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several dispatchers share the table
without waiting on each other; every change to a claimed row is fenced by `claimed_by`, so a
dispatcher whose claim was reaped cannot overwrite the next one's work. SQLite has no row locks
(SQLAlchemy leaves FOR UPDATE out there): the claim is one conditional UPDATE, which SQLite
serialises, so it stays correct, but run one dispatcher on SQLite.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    DateTime,
    Dialect,
    Engine,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    cast,
    column,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeEngine

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
        claim = {"now": now, "limit": limit, "worker": worker, "claimed_at": claimed_at}
        with transaction(self.engine) as connection:
            dialect = connection.dialect.name
            if dialect == "postgresql":
                # Lock first, then update the locked ids: PostgreSQL may evaluate an IN
                # (subquery ... SKIP LOCKED) more than once and so claim more than `limit`.
                ids = list(connection.execute(_lock_due(), claim).scalars())
                rows = connection.execute(_claim_locked(), claim | {"ids": ids}).mappings().all()
            else:  # SQLite: one statement, so the write lock is taken at once
                rows = connection.execute(_claim_due(), claim).mappings().all()
            records = sorted((_record(row) for row in rows), key=lambda r: (r.due_at, r.id))
            uncertain = {row["id"]: _utc(row["uncertain_since"]) for row in rows}
            people = {_key(r.person): r.person for r in records}
            prefs = _preferences_of(connection, people)
            goals = _goals_of(connection, records)
        return [
            DueNudge(
                record=record,
                preferences=prefs.get(_key(record.person)),
                goal=goals.get((record.reflection_id, record.attribute_id)),
                uncertain=uncertain[record.id] is not None,
                earlier_claim_at=uncertain[record.id],
                claimed_at=claimed_at,
            )
            for record in records
        ]

    def mark_sent(self, marks: list[SentMark], *, worker: str) -> list[PlanResult | None]:
        """Record deliveries and plan their follow-ups in one transaction (see the port).

        Four statements for the whole group, however many marks it holds (one fenced UPDATE,
        one lock on the people's preferences, one upsert of the follow-ups and one UPDATE
        cancelling what they replace), each of fixed text: the rows go in as a few array (or
        JSON) parameters. The outcome is the one marking each in turn would give (the last plan
        for a person and kind wins and cancels the others).
        """
        if not marks:
            return []
        with transaction(self.engine) as connection:
            marked = _mark_all_sent(connection, marks, worker)
            held = [mark for mark in marks if mark.nudge_id in marked and mark.followups]
            people = {mark.nudge_id: _key(mark.followups[0].person) for mark in held}
            versions = _lock_people(connection, people.values())
            fresh = {
                mark.nudge_id
                for mark in held
                if versions.get(people[mark.nudge_id]) == mark.prefs_version
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


class _Rows:
    """Rows handed to a statement as one JSON parameter, so its text (and so its compiled form
    in SQLAlchemy's cache, psycopg's and the server's) is the same however many rows there are,
    and the database, not Python, takes them apart: json_to_recordset() on PostgreSQL,
    json_each() on SQLite. Values are stored as SQLAlchemy's bound parameters store them.
    """

    def __init__(self, name: str, **columns: TypeEngine[Any]) -> None:
        self.name = name
        self.columns = columns
        self.names = tuple(columns)
        self._sources: dict[str, Any] = {}
        self._writers: dict[str, dict[str, Callable[[Any], Any]]] = {}

    def source(self, dialect: str) -> Any:
        """A FROM item with one column per name; the same object for every statement."""
        if dialect not in self._sources:
            self._sources[dialect] = self._source(dialect)
        return self._sources[dialect]

    def _source(self, dialect: str) -> Any:
        rows = bindparam(self.name, type_=String)
        if dialect == "postgresql":
            named = [column(name, kind) for name, kind in self.columns.items()]
            return (
                func.json_to_recordset(cast(rows, postgresql.JSON))
                .table_valued(*named)
                .render_derived(name=self.name, with_types=True)
            )
        each = func.json_each(rows).table_valued("value").alias(f"{self.name}_json")
        fields = select(
            *(
                type_coerce(func.json_extract(each.c.value, f"$.{name}"), kind).label(name)
                for name, kind in self.columns.items()
            )
        )
        # Materialised: SQLite's planner then starts from these rows and looks each up by
        # key; inline, it may scan every pending row and the JSON once for each.
        return fields.cte(self.name).prefix_with("MATERIALIZED")

    def params(self, dialect: Dialect, rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
        """The parameter carrying `rows` (tuples in the order of the columns)."""
        stored = self._stored(dialect)
        if not stored:  # no value needs converting
            values = [dict(zip(self.names, row, strict=True)) for row in rows]
        else:
            values = [
                {
                    name: value if value is None or name not in stored else stored[name](value)
                    for name, value in zip(self.names, row, strict=True)
                }
                for row in rows
            ]
        return {self.name: json.dumps(values)}

    def _stored(self, dialect: Dialect) -> dict[str, Callable[[Any], Any]]:
        """How each column's values are written: PostgreSQL reads ISO 8601 with its offset;
        SQLite gets what SQLAlchemy would bind (its own text form of a datetime)."""
        if dialect.name not in self._writers:
            writers: dict[str, Callable[[Any], Any]] = {}
            for name, kind in self.columns.items():
                if dialect.name == "postgresql":
                    write = _isoformat if isinstance(kind, DateTime) else None
                else:
                    write = kind.dialect_impl(dialect).bind_processor(dialect)
                if write is not None:
                    writers[name] = write
            self._writers[dialect.name] = writers
        return self._writers[dialect.name]


def _isoformat(value: datetime) -> str:
    return value.isoformat()


_TEXT, _TIME, _ID = String(), DateTime(timezone=True), BigInteger()
_PEOPLE = _Rows("people", workspace_id=_TEXT, user_id=_TEXT)
_MARKS = _Rows("marks", id=_ID, sent_at=_TIME, ref=_TEXT)
_PLANS = _Rows(
    "plans",
    workspace_id=_TEXT,
    user_id=_TEXT,
    period_key=_TEXT,
    kind=_TEXT,
    due_at=_TIME,
    reflection_id=_TEXT,
    attribute_id=_TEXT,
)
_KEPT = _Rows("kept", workspace_id=_TEXT, user_id=_TEXT, kind=_TEXT, id=_ID)
_GOALS = _Rows("goals", reflection_id=_TEXT, attribute_id=_TEXT)


def _each_match(
    rows: _Rows,
    dialect: str,
    table: Any,
    on: tuple[str, ...],
    where: Callable[[Any, Any], list[Any]] = lambda found, row: [],
    *,
    lock: bool = False,
) -> tuple[Any, Any]:
    """Each of `rows` with the rows of `table` equal to it on the `on` columns and meeting
    `where(found columns, row columns)`: (a FROM item, the found rows' columns).

    Found by index, one handed-over row after the other, so the cost follows the rows handed
    over, not the size of the table: on PostgreSQL a LATERAL subquery per row (OFFSET 0 keeps
    the planner from flattening it into a join it may answer by scanning every pending row);
    on SQLite a join the materialised rows drive. `lock` (PostgreSQL): FOR UPDATE each found
    row as it is found, taking the rows in `on` order, so two transactions locking some of the
    same rows take them in the same order and never deadlock.
    """
    source = rows.source(dialect)
    if dialect == "postgresql" and lock:
        keys = [source.c[name] for name in on]
        source = select(*source.c).order_by(*keys).subquery(f"{rows.name}_in_order")
    inner = table.alias(f"{rows.name}_{table.name}")
    match = and_(*(inner.c[name] == source.c[name] for name in on), *where(inner.c, source.c))
    if dialect != "postgresql":
        return source.join(inner, match), inner.c
    query = select(inner).where(match).offset(0)
    found = (query.with_for_update() if lock else query).lateral(f"{rows.name}_found")
    return source.join(found, true()), found.c


def _due() -> Any:
    return (
        select(nudges.c.id)
        .where(nudges.c.status == PENDING)
        .where(nudges.c.due_at <= bindparam("now", type_=_TIME))
        .order_by(nudges.c.due_at, nudges.c.id)
        .limit(bindparam("limit", type_=Integer()))
        .with_for_update(skip_locked=True)
    )


def _claim(*where: Any) -> Any:
    return (
        update(nudges)
        .where(*where)
        .values(
            status=SENDING,
            claimed_by=bindparam("worker", type_=_TEXT),
            claimed_at=bindparam("claimed_at", type_=_TIME),
        )
        .returning(*(nudges.c[name] for name in _CLAIMED))
    )


# What a claim reads back: the record, and whether an earlier send may have happened.
_CLAIMED = (
    "id",
    "workspace_id",
    "user_id",
    "kind",
    "period_key",
    "due_at",
    "reflection_id",
    "attribute_id",
    "status",
    "attempts",
    "sent_at",
    "last_error",
    "uncertain_since",
)


@cache
def _lock_due() -> Any:
    """PostgreSQL: lock up to `limit` due rows, skipping those another dispatcher locked."""
    return _due()


@cache
def _claim_locked() -> Any:
    """PostgreSQL: claim the rows _lock_due locked, by id. They are pending and locked by this
    transaction, so no second status test, which the planner may answer by scanning every
    pending row instead of looking up the ids."""
    return _claim(nudges.c.id == any_(bindparam("ids", type_=postgresql.ARRAY(_ID))))


@cache
def _claim_due() -> Any:
    """SQLite: find and claim in one UPDATE (SQLAlchemy leaves FOR UPDATE out). The rows
    found are pending: no second status test, which SQLite's planner would answer by scanning
    every pending row instead of looking up the ids found."""
    return _claim(nudges.c.id.in_(_due().scalar_subquery()))


@cache
def _mark_statement(dialect: str) -> Any:
    marks = _MARKS.source(dialect)
    return (
        update(nudges)
        .where(nudges.c.id == marks.c.id)
        .where(nudges.c.status == SENDING)
        .where(nudges.c.claimed_by == bindparam("worker", type_=_TEXT))
        .values(
            status=NudgeStatus.SENT.value,
            sent_at=marks.c.sent_at,
            delivery_ref=marks.c.ref,
            uncertain_since=None,
            last_error=None,
        )
        .returning(nudges.c.id)
    )


def _mark_all_sent(connection: Connection, marks: Sequence[SentMark], worker: str) -> set[int]:
    """Mark the rows this worker still holds sent, in one statement; the ids it marked."""
    rows = [(mark.nudge_id, mark.sent_at, mark.ref[:64]) for mark in marks]
    params = _MARKS.params(connection.dialect, rows) | {"worker": worker}
    return set(connection.execute(_mark_statement(connection.dialect.name), params).scalars())


@cache
def _lock_statement(dialect: str) -> Any:
    people, found = _each_match(
        _PEOPLE, dialect, nudge_preferences, ("workspace_id", "user_id"), lock=True
    )
    return select(found.workspace_id, found.user_id, found.version).select_from(people)


def _lock_people(
    connection: Connection, people: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """Lock these people's preferences rows in one order, so two dispatchers never deadlock
    (SQLite: the marking UPDATE already holds its write lock); their versions by
    (workspace_id, user_id)."""
    pairs = sorted(set(people))
    if not pairs:
        return {}
    params = _PEOPLE.params(connection.dialect, pairs)
    rows = connection.execute(_lock_statement(connection.dialect.name), params).all()
    return {(ws, user): version for ws, user, version in rows}


def _key(person: Person) -> tuple[str, str]:
    return person.workspace_id, person.user_id


@cache
def _upsert_statement(dialect: str) -> Any:
    """Insert the planned rows, or revive a pending/cancelled row of the same period; returns
    the rows kept (a period already sent, being sent or failed is left alone, and absent)."""
    plans = _PLANS.source(dialect)
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(nudges)
    planned = [*plans.c, literal(PENDING), literal(0), bindparam("created_at", type_=_TIME)]
    statement = statement.from_select(
        [*(c.name for c in plans.c), "status", "attempts", "created_at"],
        # WHERE true: SQLite reads "SELECT ... ON CONFLICT" as a join without it.
        select(*planned).where(true()),
    )
    return statement.on_conflict_do_update(
        index_elements=["workspace_id", "user_id", "period_key", "kind"],
        set_={
            "due_at": statement.excluded.due_at,
            "status": PENDING,
            "reflection_id": statement.excluded.reflection_id,
            "attribute_id": statement.excluded.attribute_id,
            "attempts": 0,
            "last_error": None,
            "uncertain_since": None,
            "claimed_by": None,
            "claimed_at": None,
        },
        where=or_(nudges.c.status == PENDING, nudges.c.status == NudgeStatus.CANCELLED.value),
    ).returning(nudges.c.id, nudges.c.workspace_id, nudges.c.user_id, nudges.c.kind)


@cache
def _replace_statement(dialect: str) -> Any:
    """Cancel each kept row's other pending rows of its person and kind."""
    kept, others = _each_match(
        _KEPT,
        dialect,
        nudges,
        ("workspace_id", "user_id", "kind"),
        lambda found, row: [found.status == PENDING, found.id != row.id],
    )
    return (
        update(nudges)
        .where(nudges.c.id.in_(select(others.id).select_from(kept)))
        .values(status=NudgeStatus.CANCELLED.value, last_error="replaced")
    )


def _plan_all(connection: Connection, planned: Sequence[PlannedNudge]) -> None:
    """_plan_locked for many, in two statements: an upsert, then the cancellations.

    Plans of distinct (person, kind) never touch each other's rows, so they go together; a
    person and kind planned twice in one group (rare) are planned one by one, in order.
    """
    keyed = [(_kind_of(nudge), nudge) for nudge in planned]
    kinds = Counter(key for key, _ in keyed)
    single = [nudge for key, nudge in keyed if kinds[key] == 1]
    for key, nudge in keyed:
        if kinds[key] > 1:
            _plan_locked(connection, nudge)
    if not single:
        return
    dialect = connection.dialect
    rows = [
        (
            nudge.person.workspace_id,
            nudge.person.user_id,
            nudge.period_key,
            nudge.kind.value,
            nudge.due_at,
            nudge.reflection_id,
            nudge.attribute_id,
        )
        for nudge in single
    ]
    params = _PLANS.params(dialect, rows) | {"created_at": datetime.now(UTC)}
    kept = connection.execute(_upsert_statement(dialect.name), params).all()
    if kept:
        replaced = [(row.workspace_id, row.user_id, row.kind, row.id) for row in kept]
        connection.execute(_replace_statement(dialect.name), _KEPT.params(dialect, replaced))


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


@cache
def _preferences_statement(dialect: str) -> Any:
    people, found = _each_match(_PEOPLE, dialect, nudge_preferences, ("workspace_id", "user_id"))
    read = ("workspace_id", "user_id", *_PREFERENCE_FIELDS)
    return select(*(found[name] for name in read)).select_from(people)


def _preferences_of(
    connection: Connection, people: dict[tuple[str, str], Person]
) -> dict[tuple[str, str], NudgePreferences]:
    """These people's preferences, by (workspace_id, user_id); each shares the Person given
    (a claimed batch holds one object per person, not one per record and one per row here)."""
    if not people:
        return {}
    params = _PEOPLE.params(connection.dialect, sorted(people))
    rows = connection.execute(_preferences_statement(connection.dialect.name), params).mappings()
    found = ((row, (row["workspace_id"], row["user_id"])) for row in rows)
    return {key: _preferences(row, people.get(key)) for row, key in found}


@cache
def _goals_statement(dialect: str) -> Any:
    keys, found = _each_match(_GOALS, dialect, priorities, ("reflection_id", "attribute_id"))
    return select(found.reflection_id, found.attribute_id, found.goal).select_from(keys)


def _goals_of(
    connection: Connection, records: Sequence[NudgeRecord]
) -> dict[tuple[str | None, str | None], str | None]:
    keys = {
        (r.reflection_id, r.attribute_id) for r in records if r.reflection_id and r.attribute_id
    }
    if not keys:
        return {}
    params = _GOALS.params(connection.dialect, sorted(keys))  # type: ignore[arg-type]
    rows = connection.execute(_goals_statement(connection.dialect.name), params).all()
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


_PREFERENCE_FIELDS = tuple(
    column.name
    for column in nudge_preferences.c
    if column.name not in ("workspace_id", "user_id", "updated_at")
)


def _preferences(row: Any, person: Person | None = None) -> NudgePreferences:
    values = {name: row[name] for name in _PREFERENCE_FIELDS}  # not row.items(): slow per row
    return NudgePreferences(
        **values
        | {
            "person": person or Person(workspace_id=row["workspace_id"], user_id=row["user_id"]),
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
        delivery_ref=row.get("delivery_ref"),  # not read back by a claim
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
