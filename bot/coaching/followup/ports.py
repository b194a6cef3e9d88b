"""The ports follow-up depends on: where nudges are kept, and how a message reaches a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.coaching.followup.models import (
    CheckIn,
    DueNudge,
    NudgeKind,
    NudgePreferences,
    NudgeRecord,
    PlannedNudge,
    PlanResult,
    SentMark,
)
from bot.coaching.followup.views import NudgeMessage
from bot.coaching.models import Person


class NudgeRepository(Protocol):
    """Durable preferences, planned messages and check-ins; every call is one transaction."""

    def preferences(self, person: Person) -> NudgePreferences | None:
        """The person's preferences, or None before their first confirmed reflection."""
        ...

    def save_preferences(self, prefs: NudgePreferences) -> NudgePreferences:
        """Store preferences; raises ConcurrentUpdate if they changed meanwhile."""
        ...

    def plan(self, nudge: PlannedNudge, *, prefs_version: int) -> PlanResult:
        """Make this the person's one pending message of its kind, cancelling any other.

        PERIOD_TAKEN when that period's message of this kind was sent, is being sent or failed;
        STALE when the preferences moved past `prefs_version`. A cancelled message of the same
        period is planned again (nothing was sent for it).
        """
        ...

    def cancel_pending(
        self, person: Person, kinds: tuple[NudgeKind, ...], *, period_key: str | None = None
    ) -> int:
        """Cancel the person's pending messages of these kinds; returns how many."""
        ...

    def nudges_for(self, person: Person) -> list[NudgeRecord]:
        """All of the person's messages, newest due first."""
        ...

    def add_check_in(self, check_in: CheckIn) -> None:
        """Store a check-in."""
        ...

    def check_ins_for(self, person: Person) -> list[CheckIn]:
        """The person's check-ins, oldest first."""
        ...


@dataclass(frozen=True)
class Delivered:
    """The platform accepted the message; `ref` is its id there (a Slack ts)."""

    ref: str = ""


@dataclass(frozen=True)
class RateLimited:
    """Too many messages: wait `retry_after` seconds before sending anything else."""

    retry_after: float


@dataclass(frozen=True)
class TransientFailure:
    """A network error or a 5xx: the same message may succeed later."""

    error: str


@dataclass(frozen=True)
class PermanentFailure:
    """This person cannot be reached (deactivated, user_not_found, cannot open a DM)."""

    error: str


SendResult = Delivered | RateLimited | TransientFailure | PermanentFailure


class NudgeSender(Protocol):
    """Delivers a follow-up message to a person; the Slack adapter implements it.

    `send` must attach `message.dedupe_key` to the message on the platform (in Slack: the
    message `metadata`), so that `find_delivered` can tell whether a send whose outcome was
    lost (a crash after the platform accepted it) did reach the person.
    """

    def send(self, message: NudgeMessage) -> SendResult:
        """Post the message; never raises for platform errors, returns them typed."""
        ...

    def find_delivered(self, message: NudgeMessage, *, since: datetime) -> SendResult | None:
        """Delivered(ref) if a message with this dedupe key was posted since `since`, else None.

        Failures to look are returned typed like `send`'s (RateLimited, TransientFailure...).
        """
        ...


class NudgeQueue(Protocol):
    """The dispatcher's side of the store: claim due messages, record what became of them.

    Every method that changes a claimed message takes the claiming `worker` and does nothing
    (returns False) when the claim was lost meanwhile (reaped and claimed again).
    """

    def reap(self, *, claimed_before: datetime) -> int:
        """Return messages stuck in 'sending' since before then to 'pending', as uncertain."""
        ...

    def claim_due(
        self, *, now: datetime, limit: int, worker: str, claimed_at: datetime
    ) -> list[DueNudge]:
        """Claim up to `limit` pending messages due by `now`, oldest due first."""
        ...

    def mark_sent(self, marks: list[SentMark], *, worker: str) -> list[PlanResult | None]:
        """Record deliveries and plan what follows each, in one transaction.

        Per mark: None when the claim was lost; STALE when its follow-ups were not planned
        because the preferences changed (plan them again from fresh ones); PLANNED otherwise.
        """
        ...

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
        """Back to pending, due at `due_at`.

        `attempt` counts a failed try; `maybe_delivered` marks it uncertain (the send failed in
        a way that may have reached the person), so the next try checks before posting.
        """
        ...

    def cancel(self, nudge_id: int, *, worker: str, reason: str) -> bool:
        """Never send this message."""
        ...

    def fail(self, nudge_id: int, *, worker: str, error: str, stop_person: bool) -> bool:
        """Give up on this message; with stop_person, stop all of the person's follow-ups."""
        ...
