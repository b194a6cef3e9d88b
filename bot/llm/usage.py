"""In-memory call budget and coach memory: right for one process (the terminal, tests, a
single-replica bot). Several processes share the SQL versions in bot/storage/coach_memory.py."""

from __future__ import annotations

import threading
from datetime import date

from bot.coaching.models import Person


class InMemoryCallBudget:
    """Counts model calls per person per UTC day, in this process only."""

    def __init__(self, daily_limit: int) -> None:
        self.daily_limit = daily_limit
        self._lock = threading.Lock()
        self._calls: dict[tuple[str, str, date], int] = {}
        self._day: date | None = None

    def take(self, person: Person, day: date) -> bool:
        """Count one call; False (and nothing counted) when today's limit is reached."""
        key = (person.workspace_id, person.user_id, day)
        with self._lock:
            used = self._calls.get(key, 0)
            if used >= self.daily_limit:
                return False
            if day != self._day:  # a new day: forget the counts of earlier ones
                self._calls = {k: v for k, v in self._calls.items() if k[2] >= day}
                self._day = day
            self._calls[key] = used + 1
            return True

    def used(self, person: Person, day: date) -> int:
        """Calls counted for the person on that day."""
        return self._calls.get((person.workspace_id, person.user_id, day), 0)


class InMemoryCoachMemory:
    """Roles and what the coach asked at each step, in this process only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._roles: dict[Person, str] = {}
        self._said: dict[tuple[str, str, str], str] = {}

    def role_of(self, person: Person) -> str | None:
        """The role; "" when declined, None when never asked."""
        return self._roles.get(person)

    def set_role(self, person: Person, role: str) -> None:
        """Remember the role."""
        with self._lock:
            self._roles[person] = role

    def recall(self, reflection_id: str, attribute_id: str, kind: str) -> str | None:
        """What the coach said at a step, or None."""
        return self._said.get((reflection_id, attribute_id, kind))

    def remember(self, reflection_id: str, attribute_id: str, kind: str, text: str) -> None:
        """Keep the first thing said at a step."""
        with self._lock:
            self._said.setdefault((reflection_id, attribute_id, kind), text)
