"""The AI coach's call budget and memory in SQL, shared by every process of the bot."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, Engine, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.coaching.models import Person
from bot.storage.tables import coach_profiles, coach_turns, llm_usage


class SqlCallBudget:
    """Implements CallBudget: one row per person per UTC day, counted atomically."""

    def __init__(self, engine: Engine, daily_limit: int) -> None:
        self.engine = engine
        self.daily_limit = daily_limit

    def _key(self, person: Person, day: date) -> ColumnElement[bool]:
        return and_(
            llm_usage.c.workspace_id == person.workspace_id,
            llm_usage.c.user_id == person.user_id,
            llm_usage.c.day == day.isoformat(),
        )

    def _increment(self, person: Person, day: date) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(
                update(llm_usage)
                .where(self._key(person, day), llm_usage.c.calls < self.daily_limit)
                .values(calls=llm_usage.c.calls + 1)
            )
            return result.rowcount == 1

    def take(self, person: Person, day: date) -> bool:
        """Count one call; False (and nothing counted) when today's limit is reached."""
        if self.daily_limit <= 0:
            return False
        if self._increment(person, day):
            return True
        try:
            with self.engine.begin() as connection:
                existing = select(llm_usage.c.calls).where(self._key(person, day))
                if connection.execute(existing).first():
                    return False  # the row exists and is at the limit
                connection.execute(
                    insert(llm_usage).values(
                        workspace_id=person.workspace_id,
                        user_id=person.user_id,
                        day=day.isoformat(),
                        calls=1,
                    )
                )
            return True
        except IntegrityError:  # another process created today's row first
            return self._increment(person, day)

    def used(self, person: Person, day: date) -> int:
        """Calls counted for the person on that day."""
        with self.engine.begin() as connection:
            row = connection.execute(select(llm_usage.c.calls).where(self._key(person, day)))
            return row.scalar() or 0


class SqlCoachMemory:
    """Implements CoachMemory: roles and what the coach asked at each step."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def role_of(self, person: Person) -> str | None:
        """The role; "" when declined, None when never asked."""
        with self.engine.begin() as connection:
            return connection.execute(
                select(coach_profiles.c.role).where(
                    coach_profiles.c.workspace_id == person.workspace_id,
                    coach_profiles.c.user_id == person.user_id,
                )
            ).scalar()

    def set_role(self, person: Person, role: str) -> None:
        """Remember the role, replacing any earlier one."""
        key = {"workspace_id": person.workspace_id, "user_id": person.user_id}
        with self.engine.begin() as connection:
            connection.execute(
                delete(coach_profiles).where(
                    coach_profiles.c.workspace_id == person.workspace_id,
                    coach_profiles.c.user_id == person.user_id,
                )
            )
            connection.execute(
                insert(coach_profiles).values(**key, role=role, updated_at=datetime.now(UTC))
            )

    def recall(self, reflection_id: str, attribute_id: str, kind: str) -> str | None:
        """What the coach said at a step, or None."""
        with self.engine.begin() as connection:
            return connection.execute(
                select(coach_turns.c.text).where(
                    coach_turns.c.reflection_id == reflection_id,
                    coach_turns.c.attribute_id == attribute_id,
                    coach_turns.c.kind == kind,
                )
            ).scalar()

    def remember(self, reflection_id: str, attribute_id: str, kind: str, text: str) -> None:
        """Keep the first thing said at a step; a later one is ignored."""
        row = {
            "reflection_id": reflection_id,
            "attribute_id": attribute_id,
            "kind": kind,
            "text": text,
            "created_at": datetime.now(UTC),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(coach_turns).values(**row))
        except IntegrityError:
            pass  # said already (or at the same moment by another process): keep the first
