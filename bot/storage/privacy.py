"""SqlPersonalData: a person's rows gathered, erased or purged; each removal audited by counts
(and so is each key rotation: `record_key_rotation`).

Erasure deletes, in one transaction, every row keyed by the person (workspace and user id) and
every row hanging off their reflections. Tables added later join in by being listed in
PERSON_TABLES or REFLECTION_TABLES.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, delete, func, insert, or_, select, update

from bot.coaching.followup.models import NudgeStatus
from bot.coaching.models import Person, Status
from bot.privacy.models import CoachTurn, PersonalRecord, RemovalReport, UsageDay
from bot.storage.nudges import SqlNudgeRepository
from bot.storage.repository import SqlReflectionRepository
from bot.storage.tables import (
    answer_parts,
    answers,
    check_ins,
    coach_profiles,
    coach_turns,
    llm_usage,
    nudge_preferences,
    nudges,
    pending_texts,
    priorities,
    privacy_events,
    reflections,
    summaries,
    team_optins,
)

# Rows keyed by the person; children of reflections are deleted before the reflections.
PERSON_TABLES: tuple[Table, ...] = (
    check_ins,
    nudges,
    nudge_preferences,
    llm_usage,
    coach_profiles,
    team_optins,
)
REFLECTION_TABLES: tuple[Table, ...] = (
    answer_parts,  # before answers, whose rows its rows hang off
    answers,
    priorities,
    summaries,
    coach_turns,
    pending_texts,
)


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _of(table: Table, person: Person) -> Any:
    return and_(table.c.workspace_id == person.workspace_id, table.c.user_id == person.user_id)


class SqlPersonalData:
    """Implements PersonalDataStore on a SQLAlchemy engine; one transaction per method."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.reflections = SqlReflectionRepository(engine)
        self.nudges = SqlNudgeRepository(engine)

    # -- reading -----------------------------------------------------------------------------

    def collect(self, person: Person) -> PersonalRecord:
        """Everything stored about the person, reflections oldest first."""
        history = list(reversed(self.reflections.history_for(person)))
        with self.engine.begin() as connection:
            extra = _coach_data(connection, person, [r.id for r in history])
            opted = connection.execute(
                select(team_optins.c.opted_in_at).where(_of(team_optins, person))
            ).scalar()
        return PersonalRecord(
            person=person,
            reflections=history,
            check_ins=self.nudges.check_ins_for(person),
            preferences=self.nudges.preferences(person),
            nudges=self.nudges.nudges_for(person),
            team_opted_in_at=utc(opted) if opted else None,
            **extra,
        )

    # -- erasure and retention -------------------------------------------------------------

    def erase(self, person: Person, *, actor: str, at: datetime) -> RemovalReport:
        """Delete every row of the person in the workspace; audit who, when and how many."""
        with self.engine.begin() as connection:
            ids = _reflection_ids(
                connection,
                reflections.c.workspace_id == person.workspace_id,
                reflections.c.user_id == person.user_id,
            )
            counts = _delete_reflections(connection, ids)
            for table in PERSON_TABLES:
                counts[table.name] = _count(
                    connection.execute(delete(table).where(_of(table, person)))
                )
            _audit(connection, "erasure", person, actor, counts, at)
        return RemovalReport(counts=counts)

    def purge_before(self, cutoff: datetime, *, at: datetime) -> RemovalReport:
        """Delete reflections last changed before `cutoff`, with their check-ins; audited."""
        changed = func.coalesce(reflections.c.completed_at, reflections.c.updated_at)
        with self.engine.begin() as connection:
            ids = _reflection_ids(connection, changed < cutoff)
            counts = {"check_ins": _purge_check_ins(connection, ids, cutoff)}
            counts["nudges_cancelled"] = _cancel_nudges(connection, ids)
            counts |= _delete_reflections(connection, ids)
            _audit(connection, "retention", None, "retention", counts, at)
        return RemovalReport(counts=counts)

    # -- team insights -----------------------------------------------------------------------

    def set_team_optin(self, person: Person, opted_in: bool, *, at: datetime) -> None:
        """Count (or stop counting) the person in team insights."""
        with self.engine.begin() as connection:
            connection.execute(delete(team_optins).where(_of(team_optins, person)))
            if opted_in:
                key = {"workspace_id": person.workspace_id, "user_id": person.user_id}
                connection.execute(insert(team_optins).values(**key, opted_in_at=at))

    def team_optin(self, person: Person) -> datetime | None:
        """When the person agreed to be counted, or None."""
        with self.engine.begin() as connection:
            found = connection.execute(
                select(team_optins.c.opted_in_at).where(_of(team_optins, person))
            ).scalar()
        return utc(found) if found else None

    def team_priorities(self, workspace_id: str, since: datetime) -> list[frozenset[str]]:
        """Per opted-in person who completed a reflection since then: the areas they chose."""
        joined = reflections.join(
            team_optins,
            and_(
                team_optins.c.workspace_id == reflections.c.workspace_id,
                team_optins.c.user_id == reflections.c.user_id,
            ),
        ).outerjoin(priorities, priorities.c.reflection_id == reflections.c.id)
        query = (
            select(reflections.c.user_id, priorities.c.attribute_id)
            .select_from(joined)
            .where(reflections.c.workspace_id == workspace_id)
            .where(reflections.c.status == Status.COMPLETED.value)
            .where(reflections.c.completed_at >= since)
        )
        picks: dict[str, set[str]] = {}
        with self.engine.begin() as connection:
            for user_id, attribute_id in connection.execute(query):
                picks.setdefault(user_id, set()).update([attribute_id] if attribute_id else [])
        return [frozenset(areas) for areas in picks.values()]


# -- helpers inside a caller's transaction ------------------------------------------------------


def _coach_data(connection: Connection, person: Person, ids: Sequence[str]) -> dict[str, Any]:
    role = connection.execute(
        select(coach_profiles.c.role).where(_of(coach_profiles, person))
    ).scalar()
    turns = connection.execute(
        select(coach_turns)
        .where(coach_turns.c.reflection_id.in_(list(ids)))
        .order_by(coach_turns.c.created_at)
    ).mappings()
    usage = connection.execute(
        select(llm_usage.c.day, llm_usage.c.calls)
        .where(_of(llm_usage, person))
        .order_by(llm_usage.c.day)
    )
    return {
        "role": role,
        "coach_turns": [
            CoachTurn(**dict(row) | {"created_at": utc(row["created_at"])}) for row in turns
        ],
        "llm_usage": [UsageDay(day=day, calls=calls) for day, calls in usage],
    }


def _reflection_ids(connection: Connection, *conditions: Any) -> list[str]:
    return list(connection.execute(select(reflections.c.id).where(*conditions)).scalars())


def _delete_reflections(connection: Connection, ids: list[str]) -> dict[str, int]:
    counts = {}
    for table in REFLECTION_TABLES:
        statement = delete(table).where(table.c.reflection_id.in_(ids))
        counts[table.name] = _count(connection.execute(statement))
    statement = delete(reflections).where(reflections.c.id.in_(ids))
    counts["reflections"] = _count(connection.execute(statement))
    return counts


def _purge_check_ins(connection: Connection, ids: list[str], cutoff: datetime) -> int:
    orphan = and_(check_ins.c.reflection_id.is_(None), check_ins.c.created_at < cutoff)
    statement = delete(check_ins).where(or_(check_ins.c.reflection_id.in_(ids), orphan))
    return _count(connection.execute(statement))


def _cancel_nudges(connection: Connection, ids: list[str]) -> int:
    """Pending messages about a purged reflection are never sent."""
    statement = (
        update(nudges)
        .where(nudges.c.reflection_id.in_(ids))
        .where(nudges.c.status == NudgeStatus.PENDING.value)
        .values(status=NudgeStatus.CANCELLED.value, last_error="retention")
    )
    return _count(connection.execute(statement))


def record_key_rotation(actor: str) -> Callable[[Connection, dict[str, int]], None]:
    """The audit row of a key rotation by `actor` (rows re-encrypted per table), written in
    the rotation's own transaction (bot/storage/crypto.py `rotate_all`)."""

    def record(connection: Connection, counts: dict[str, int]) -> None:
        _audit(connection, "key_rotation", None, actor, counts, datetime.now(UTC))

    return record


def _audit(
    connection: Connection,
    kind: str,
    person: Person | None,
    actor: str,
    counts: dict[str, int],
    at: datetime,
) -> None:
    connection.execute(
        insert(privacy_events).values(
            kind=kind,
            workspace_id=person.workspace_id if person else None,
            user_id=person.user_id if person else None,
            actor=actor[:100],
            counts=counts,
            happened_at=at,
        )
    )


def _count(result: Any) -> int:
    return max(result.rowcount or 0, 0)
