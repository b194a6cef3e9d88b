"""SqlDeliveryLog: which Slack deliveries were already handled, so a repeat is handled once."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from bot.coaching.ports import Clock
from bot.storage.database import transaction
from bot.storage.tables import processed_deliveries

MAX_KEY_CHARS = 255
# Slack stops retrying an event after about 5 minutes; keeping keys for a day is generous.
DEFAULT_KEEP = timedelta(days=1)
PRUNE_EVERY = 500


class _UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SqlDeliveryLog:
    """A durable set of delivery keys: inserting a key that is already there means a repeat."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        keep: timedelta = DEFAULT_KEEP,
        prune_every: int = PRUNE_EVERY,
    ) -> None:
        self.engine = engine
        self.clock = clock or _UtcClock()
        self.keep = keep
        self.prune_every = prune_every
        self._calls = itertools.count(1)

    def first_time(self, key: str) -> bool:
        """Record the key; True if it was new, False if it was recorded before."""
        if not key or len(key) > MAX_KEY_CHARS:
            raise ValueError(f"a delivery key is 1 to {MAX_KEY_CHARS} characters")
        now = self.clock.now()
        with transaction(self.engine) as connection:
            statement = (
                self._insert(connection)
                .values(key=key, created_at=now)
                .on_conflict_do_nothing()
                .returning(processed_deliveries.c.key)
            )
            # RETURNING yields the row only when it was inserted (rowcount is not portable).
            inserted = connection.execute(statement).first() is not None
        if next(self._calls) % self.prune_every == 0:
            self.prune(before=now - self.keep)
        return inserted

    def prune(self, *, before: datetime) -> int:
        """Forget keys recorded before a time; returns how many were forgotten."""
        with transaction(self.engine) as connection:
            result = connection.execute(
                delete(processed_deliveries).where(processed_deliveries.c.created_at < before)
            )
        return result.rowcount

    @staticmethod
    def _insert(connection: Connection) -> postgresql.Insert | sqlite.Insert:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        return dialect.insert(processed_deliveries)
