"""SqlPendingTextStore: text held back by the patient-data warning until the person chooses.

A button value holds at most 2,000 characters and a reflection up to 40,000, so the text waits
here under a random id that the warning's buttons carry. A row is removed when it is used
(taken once, atomically, so a double click acts once) and expires after a day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from bot.coaching.models import Person
from bot.coaching.ports import Clock
from bot.storage.database import transaction
from bot.storage.tables import pending_texts

DEFAULT_KEEP = timedelta(days=1)
PURPOSES = ("reply", "answer", "goal")  # a DM reply (appended), a form's answer, a goal


@dataclass(frozen=True)
class PendingText:
    """Text the person has still to decide about, and where it belongs."""

    id: str
    person: Person
    reflection_id: str
    attribute_id: str
    purpose: str
    text: str
    created_at: datetime


class _UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SqlPendingTextStore:
    """Pending texts in SQL, one transaction per method; expired rows are pruned on add."""

    def __init__(
        self, engine: Engine, *, clock: Clock | None = None, keep: timedelta = DEFAULT_KEEP
    ) -> None:
        self.engine = engine
        self.clock = clock or _UtcClock()
        self.keep = keep

    def add(
        self, person: Person, *, reflection_id: str, attribute_id: str, purpose: str, text: str
    ) -> str:
        """Hold a text back; returns the id its buttons carry."""
        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        pending_id, now = str(uuid.uuid4()), self.clock.now()
        with transaction(self.engine) as connection:
            connection.execute(
                delete(pending_texts).where(pending_texts.c.created_at < now - self.keep)
            )
            connection.execute(
                insert(pending_texts).values(
                    id=pending_id,
                    workspace_id=person.workspace_id,
                    user_id=person.user_id,
                    reflection_id=reflection_id,
                    attribute_id=attribute_id,
                    purpose=purpose,
                    text=text.replace("\x00", ""),
                    created_at=now,
                )
            )
        return pending_id

    def take(self, pending_id: str, person: Person) -> PendingText | None:
        """Remove and return the person's unexpired text; None if used, expired or not theirs."""
        mine = (
            (pending_texts.c.id == pending_id)
            & (pending_texts.c.workspace_id == person.workspace_id)
            & (pending_texts.c.user_id == person.user_id)
        )
        with transaction(self.engine) as connection:
            row = connection.execute(select(pending_texts).where(mine)).first()
            if row is None or connection.execute(delete(pending_texts).where(mine)).rowcount != 1:
                return None  # never there, or taken by a click that got here first
        pending = _pending(row)
        return pending if pending.created_at >= self.clock.now() - self.keep else None

    def put_back(self, pending: PendingText) -> None:
        """Hold a taken text again (its choice failed, so the person can choose again)."""
        row = {
            "id": pending.id,
            "workspace_id": pending.person.workspace_id,
            "user_id": pending.person.user_id,
            "reflection_id": pending.reflection_id,
            "attribute_id": pending.attribute_id,
            "purpose": pending.purpose,
            "text": pending.text,
            "created_at": pending.created_at,
        }
        try:
            with transaction(self.engine) as connection:
                connection.execute(insert(pending_texts).values(**row))
        except IntegrityError:
            pass  # already back, or its reflection is gone: either way there is nothing to do

    def prune(self, *, before: datetime) -> int:
        """Remove texts held back before a time; returns how many."""
        with transaction(self.engine) as connection:
            result = connection.execute(
                delete(pending_texts).where(pending_texts.c.created_at < before)
            )
        return result.rowcount


def _pending(row: object) -> PendingText:
    data = row._mapping  # type: ignore[attr-defined]
    created = data["created_at"]
    return PendingText(
        id=data["id"],
        person=Person(workspace_id=data["workspace_id"], user_id=data["user_id"]),
        reflection_id=data["reflection_id"],
        attribute_id=data["attribute_id"],
        purpose=data["purpose"],
        text=data["text"],
        created_at=created.replace(tzinfo=UTC) if created.tzinfo is None else created,
    )
