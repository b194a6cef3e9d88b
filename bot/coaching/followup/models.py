"""Follow-up state: a person's nudge preferences, the nudges planned or sent, and check-ins."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.coaching.models import Person

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)


class Cadence(StrEnum):
    """How often the bot checks in."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class NudgeKind(StrEnum):
    """What a planned message is for."""

    NUDGE = "nudge"  # the regular check-in on one priority
    REMINDER = "reminder"  # the one quiet reminder (or the snoozed repeat) of a check-in
    RE_REFLECTION = "re_reflection"  # the invitation to reflect again


class NudgeStatus(StrEnum):
    """Where a planned message is in its life."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a dispatcher; its lease says until when
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class CheckInResponse(StrEnum):
    """What a person says when asked what they tried."""

    PROGRESS = "progress"
    SOME_PROGRESS = "some_progress"
    STUCK = "stuck"
    NOT_THIS_TIME = "not_this_time"


class NudgePreferences(BaseModel):
    """When and how often a person wants to be asked about their priorities."""

    model_config = ConfigDict(frozen=True)

    person: Person
    timezone: str
    cadence: Cadence = Cadence.FORTNIGHTLY
    weekday: int = Field(default=1, ge=0, le=6)  # Monday is 0
    preferred_time: time = time(10, 0)
    window_start: time = time(9, 0)
    window_end: time = time(17, 0)
    working_days: tuple[int, ...] = MONDAY_TO_FRIDAY
    anchor: date  # the first period starts here; periods follow at the cadence
    paused_until: date | None = None  # the first local date nudges may go again
    stopped: bool = False
    stop_reason: str | None = None
    reflection_id: str | None = None  # whose priorities are followed
    confirmed_at: datetime | None = None  # when those priorities were confirmed
    focus: tuple[str, ...] = ()  # the priority attribute ids, taken in turn
    version: int = 0  # optimistic concurrency: bumped by every save

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"{value!r} is not an IANA time zone") from error
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        days = tuple(sorted(set(value)))
        if not days or not all(0 <= day <= 6 for day in days):
            raise ValueError("working days are one or more of 0 (Monday) to 6 (Sunday)")
        return days

    @model_validator(mode="after")
    def _consistent(self) -> NudgePreferences:
        if self.weekday not in self.working_days:
            raise ValueError(f"{WEEKDAYS[self.weekday]} is not one of the working days")
        if not self.window_start <= self.preferred_time < self.window_end:
            raise ValueError("the preferred time must lie inside the time window")
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The person's time zone."""
        return ZoneInfo(self.timezone)


class PlannedNudge(BaseModel):
    """A message to send at `due_at` (UTC); one per person, period and kind, ever."""

    model_config = ConfigDict(frozen=True)

    person: Person
    kind: NudgeKind
    period_key: str
    due_at: datetime
    reflection_id: str | None = None
    attribute_id: str | None = None

    @property
    def dedupe_key(self) -> str:
        """Names this message uniquely; the sender attaches it so a repeat can be detected."""
        p = self.person
        return f"lif:{p.workspace_id}:{p.user_id}:{self.period_key}:{self.kind.value}"


class NudgeRecord(PlannedNudge):
    """A planned message as stored, with its delivery state."""

    id: int
    status: NudgeStatus
    attempts: int = 0
    sent_at: datetime | None = None
    last_error: str | None = None
    delivery_ref: str | None = None  # the sent message's id on the platform (a Slack ts)


class PlanResult(StrEnum):
    """What became of a request to plan a message."""

    PLANNED = "planned"
    PERIOD_TAKEN = "period_taken"  # that period's message of this kind was already sent
    STALE = "stale"  # the preferences changed since the plan was computed


class DueNudge(BaseModel):
    """A claimed message with what the dispatcher needs to decide, render and plan on."""

    model_config = ConfigDict(frozen=True)

    record: NudgeRecord
    preferences: NudgePreferences | None
    goal: str | None = None
    uncertain: bool = False  # an earlier claim expired mid-send: it may have been delivered
    earlier_claim_at: datetime | None = None  # when that earlier send may have happened
    claimed_at: datetime


class SentMark(BaseModel):
    """A message the platform accepted, to record with what follows it."""

    model_config = ConfigDict(frozen=True)

    nudge_id: int
    sent_at: datetime
    ref: str
    followups: tuple[PlannedNudge, ...] = ()
    prefs_version: int | None = None


class CheckIn(BaseModel):
    """What a person said about one priority; the note is personal data, never logged."""

    model_config = ConfigDict(frozen=True)

    person: Person
    response: CheckInResponse
    note: str | None = None
    reflection_id: str | None = None
    attribute_id: str | None = None
    period_key: str | None = None
    created_at: datetime
