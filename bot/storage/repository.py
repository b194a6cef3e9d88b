"""SqlReflectionRepository: reflections in SQL, one transaction per method."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from bot.coaching.errors import ConcurrentUpdate
from bot.coaching.models import (
    Answer,
    AnswerPart,
    Mode,
    Person,
    PriorityArea,
    Reflection,
    Status,
    Summary,
)
from bot.storage.database import transaction
from bot.storage.tables import answer_parts, answers, priorities, reflections, summaries

_OPEN = (Status.IN_PROGRESS.value, Status.REVIEWING.value)


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


class SqlReflectionRepository:
    """Implements the ReflectionRepository port on a SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, reflection: Reflection) -> None:
        """Store a new reflection with everything it holds."""
        with transaction(self.engine) as connection:
            connection.execute(insert(reflections).values(**_reflection_row(reflection)))
            _insert_children(connection, reflection)  # a new id: there is nothing to replace

    def save(self, reflection: Reflection) -> Reflection:
        """Store changes; ConcurrentUpdate if the stored version moved on meanwhile."""
        row = _reflection_row(reflection) | {"version": reflection.version + 1}
        with transaction(self.engine) as connection:
            result = connection.execute(
                update(reflections)
                .where(reflections.c.id == reflection.id)
                .where(reflections.c.version == reflection.version)
                .values(**row)
            )
            if result.rowcount != 1:
                raise ConcurrentUpdate(
                    "That change crossed with another one to the same reflection; "
                    "nothing was changed. Please try again."
                )
            _write_children(connection, reflection)
        return reflection.model_copy(update={"version": reflection.version + 1})

    def get(self, reflection_id: str) -> Reflection | None:
        """The reflection with this id, or None."""
        with transaction(self.engine) as connection:
            row = (
                connection.execute(select(reflections).where(reflections.c.id == reflection_id))
                .mappings()
                .first()
            )
            return _load(connection, row) if row else None

    def _find(
        self, person: Person, statuses: tuple[str, ...], *, limit: int | None = None
    ) -> list[Reflection]:
        """The person's reflections in these states, newest first (the newest `limit`)."""
        with transaction(self.engine) as connection:
            rows = (
                connection.execute(
                    select(reflections)
                    .where(reflections.c.workspace_id == person.workspace_id)
                    .where(reflections.c.user_id == person.user_id)
                    .where(reflections.c.status.in_(statuses))
                    .order_by(reflections.c.started_at.desc())
                    .limit(limit)
                )
                .mappings()
                .all()
            )
            return [_load(connection, row) for row in rows]

    def active_for(self, person: Person) -> Reflection | None:
        """The person's newest unfinished reflection, or None."""
        found = self._find(person, _OPEN, limit=1)
        return found[0] if found else None

    def latest_completed_for(self, person: Person) -> Reflection | None:
        """The person's most recently completed reflection, or None."""
        found = self._find(person, (Status.COMPLETED.value,), limit=1)
        return found[0] if found else None

    def history_for(self, person: Person) -> list[Reflection]:
        """All of the person's reflections, newest first."""
        return self._find(person, tuple(status.value for status in Status))

    def set_aside_for(self, person: Person) -> list[Reflection]:
        """The person's reflections set aside for a newer one, newest first."""
        return self._find(person, (Status.ABANDONED.value,))

    def mode_for(self, person: Person) -> Mode | None:
        """The mode of the person's newest reflection, or None when they have none."""
        with transaction(self.engine) as connection:
            mode = connection.execute(
                select(reflections.c.mode)
                .where(reflections.c.workspace_id == person.workspace_id)
                .where(reflections.c.user_id == person.user_id)
                .order_by(reflections.c.started_at.desc())
                .limit(1)
            ).scalar()
        return Mode(mode) if mode else None


def _reflection_row(reflection: Reflection) -> dict[str, Any]:
    return {
        "id": reflection.id,
        "workspace_id": reflection.person.workspace_id,
        "user_id": reflection.person.user_id,
        "scope": reflection.scope,
        "framework_version": reflection.framework_version,
        "attribute_ids": list(reflection.attribute_ids),
        "mode": reflection.mode.value,
        "status": reflection.status.value,
        "cursor": reflection.cursor,
        "started_at": reflection.started_at,
        "updated_at": reflection.updated_at,
        "completed_at": reflection.completed_at,
        "version": reflection.version,
    }


def _write_children(connection: Connection, reflection: Reflection) -> None:
    """Replace answers, summary and priorities: a reflection is small, so this stays cheap."""
    for table in (answer_parts, answers, priorities, summaries):
        connection.execute(delete(table).where(table.c.reflection_id == reflection.id))
    _insert_children(connection, reflection)


def _insert_children(connection: Connection, reflection: Reflection) -> None:
    """Insert answers, summary and priorities (none are stored for this reflection yet)."""
    if reflection.answers:
        connection.execute(
            insert(answers),
            [_answer_row(reflection.id, answer) for answer in reflection.answers.values()],
        )
    parts = [
        part.model_dump(mode="python")
        | {"reflection_id": reflection.id, "attribute_id": answer.attribute_id, "position": index}
        for answer in reflection.answers.values()
        for index, part in enumerate(answer.parts)
    ]
    if parts:
        connection.execute(insert(answer_parts), parts)
    summary = reflection.summary
    if summary is None:
        return
    connection.execute(
        insert(summaries).values(
            reflection_id=reflection.id,
            domain_note=summary.domain_note,
            candidates=list(summary.candidates),
            generated_at=summary.generated_at,
            confirmed_at=summary.confirmed_at,
        )
    )
    if summary.priorities:
        connection.execute(
            insert(priorities),
            [
                priority.model_dump() | {"reflection_id": reflection.id, "rank": rank}
                for rank, priority in enumerate(summary.priorities)
            ],
        )


def _answer_row(reflection_id: str, answer: Answer) -> dict[str, Any]:
    row = answer.model_dump(mode="python", exclude={"parts", "skipped_stages"})
    skipped = [stage.value for stage in answer.skipped_stages]
    return row | {"reflection_id": reflection_id, "skipped_stages": skipped}


def _load_parts(connection: Connection, reflection_id: str) -> dict[str, list[AnswerPart]]:
    rows = connection.execute(
        select(answer_parts)
        .where(answer_parts.c.reflection_id == reflection_id)
        .order_by(answer_parts.c.attribute_id, answer_parts.c.position)
    ).mappings()
    found: dict[str, list[AnswerPart]] = {}
    for r in rows:
        part = AnswerPart(
            stage=r["stage"], text=r["text"], source=r["source"], added_at=_utc(r["added_at"])
        )
        found.setdefault(r["attribute_id"], []).append(part)
    return found


def _load(connection: Connection, row: Any) -> Reflection:
    reflection_id = row["id"]
    answer_rows = connection.execute(
        select(answers).where(answers.c.reflection_id == reflection_id)
    ).mappings()
    parts = _load_parts(connection, reflection_id)
    loaded = {
        r["attribute_id"]: Answer(
            **{k: v for k, v in r.items() if k != "reflection_id"}
            | {"updated_at": _utc(r["updated_at"]), "parts": parts.get(r["attribute_id"], [])}
        )
        for r in answer_rows
    }
    return Reflection(
        id=reflection_id,
        person=Person(workspace_id=row["workspace_id"], user_id=row["user_id"]),
        scope=row["scope"],
        framework_version=row["framework_version"],
        attribute_ids=list(row["attribute_ids"]),
        mode=Mode(row["mode"]),
        status=Status(row["status"]),
        cursor=row["cursor"],
        answers=loaded,
        summary=_load_summary(connection, reflection_id),
        started_at=_utc(row["started_at"]),
        updated_at=_utc(row["updated_at"]),
        completed_at=_utc_or_none(row["completed_at"]),
        version=row["version"],
    )


def _load_summary(connection: Connection, reflection_id: str) -> Summary | None:
    row = (
        connection.execute(select(summaries).where(summaries.c.reflection_id == reflection_id))
        .mappings()
        .first()
    )
    if row is None:
        return None
    priority_rows = connection.execute(
        select(priorities)
        .where(priorities.c.reflection_id == reflection_id)
        .order_by(priorities.c.rank)
    ).mappings()
    return Summary(
        priorities=[
            PriorityArea(
                attribute_id=p["attribute_id"],
                rationale=p["rationale"],
                quote=p["quote"],
                goal=p["goal"],
            )
            for p in priority_rows
        ],
        candidates=list(row["candidates"]),
        domain_note=row["domain_note"],
        generated_at=_utc(row["generated_at"]),
        confirmed_at=_utc_or_none(row["confirmed_at"]),
    )
