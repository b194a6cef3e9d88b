"""The storage the privacy service needs, as a Protocol (SQL in bot/storage/privacy.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.coaching.models import Person
from bot.privacy.models import PersonalRecord, RemovalReport


class PersonalDataStore(Protocol):
    """Reads, erases and purges personal data; records each erasure without its content."""

    def collect(self, person: Person) -> PersonalRecord:
        """Everything stored about the person."""
        ...

    def erase(self, person: Person, *, actor: str, at: datetime) -> RemovalReport:
        """Delete every row of the person in the workspace, and audit it (counts only)."""
        ...

    def purge_before(self, cutoff: datetime, *, at: datetime) -> RemovalReport:
        """Delete reflections last changed before `cutoff`, with their check-ins; audit it."""
        ...

    def set_team_optin(self, person: Person, opted_in: bool, *, at: datetime) -> None:
        """Count (or stop counting) the person, anonymously, in team insights."""
        ...

    def team_optin(self, person: Person) -> datetime | None:
        """When the person agreed to be counted, or None."""
        ...

    def team_priorities(self, workspace_id: str, since: datetime) -> list[frozenset[str]]:
        """Per opted-in person with a reflection completed since then: the areas chosen."""
        ...
