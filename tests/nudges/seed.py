"""Bulk-insert people with one due check-in each, for dispatcher tests and the benchmark."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import insert

from bot.coaching.followup.models import NudgeKind, NudgePreferences, PlannedNudge
from bot.coaching.models import Person
from bot.storage.nudges import SqlNudgeRepository, _planned_row, _preferences_row
from bot.storage.tables import nudge_preferences, nudges

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


def seed_due_nudges(
    store: SqlNudgeRepository, count: int, *, due_at: datetime, workspace: str = "T-LOAD"
) -> list[Person]:
    """`count` people (U00000, U00001...) each with one check-in due at `due_at`."""
    people = [Person(workspace_id=workspace, user_id=f"U{n:05d}") for n in range(count)]
    local = due_at.astimezone(UTC)
    prefs = [
        NudgePreferences(
            person=person,
            timezone="UTC",
            weekday=local.weekday(),
            working_days=EVERY_DAY,
            window_start=time(0, 0),
            window_end=time(23, 59),
            preferred_time=local.time().replace(second=0, microsecond=0),
            anchor=local.date(),
            focus=("L1", "L2", "L8"),
            version=1,
        )
        for person in people
    ]
    planned = [
        PlannedNudge(
            person=person,
            kind=NudgeKind.NUDGE,
            period_key=f"weekly:{local.date().isoformat()}",
            due_at=due_at,
            attribute_id="L1",
        )
        for person in people
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(nudge_preferences), [_preferences_row(p) for p in prefs])
        connection.execute(insert(nudges), [_planned_row(p) for p in planned])
    return people
