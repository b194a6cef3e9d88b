"""What follow-up hands to a channel (terminal, Slack) to render, and the texts it speaks."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from bot.coaching.followup.models import (
    Cadence,
    CheckInResponse,
    NudgeKind,
    NudgePreferences,
)
from bot.coaching.framework import Attribute
from bot.coaching.models import Person


class FollowUpTexts(BaseModel):
    """The sentences of prompts/followup.yaml, typed so a missing one fails at start-up."""

    model_config = ConfigDict(frozen=True)

    cadence_phrases: dict[Cadence, str]
    schedule_confirmation: str
    paused: str
    stopped: str
    nudge: str
    nudge_goal: str
    reminder: str
    re_reflection: str
    responses: dict[CheckInResponse, str]
    acknowledgements: dict[CheckInResponse, str]
    stuck_prompts: tuple[str, ...]
    stuck_pointer: str
    snoozed: str
    snooze_after_next: str
    nothing_to_snooze: str
    already_reminded: str


class NudgeMessage(BaseModel):
    """One follow-up message, ready for a channel to render (Slack: blocks with buttons)."""

    model_config = ConfigDict(frozen=True)

    person: Person
    kind: NudgeKind
    period_key: str
    dedupe_key: str
    text: str  # the whole message as plain text: Slack's top-level `text`, read by screen readers
    attribute: Attribute | None = None
    goal: str | None = None
    responses: tuple[tuple[CheckInResponse, str], ...] = ()  # (value, button label)
    can_snooze: bool = False


class ScheduleView(BaseModel):
    """A person's follow-up settings and what comes next, with a sentence describing them."""

    preferences: NudgePreferences
    next_due: datetime | None  # UTC
    next_local: datetime | None  # the same instant in the person's zone
    message: str


class RelatedPointer(BaseModel):
    """Another attribute worth a look when someone is stuck."""

    attribute: Attribute
    message: str
    context: str | None = None


class CheckInOutcome(BaseModel):
    """What the coach says back after a check-in."""

    acknowledgement: str
    prompt: str | None = None  # one reflective question, when stuck
    related: RelatedPointer | None = None


class TimelineEntry(BaseModel):
    """One check-in in a person's progress history."""

    day: date  # local date
    attribute: Attribute | None
    response: CheckInResponse
    label: str
    note: str | None


class ProgressGoal(BaseModel):
    """A confirmed priority area and its goal."""

    attribute: Attribute
    domain_name: str
    goal: str | None
    rating: int | None


class ProgressView(BaseModel):
    """Priorities, goals, the check-in timeline (oldest first) and the next check-in."""

    person: Person
    confirmed_on: date | None
    priorities: list[ProgressGoal]
    timeline: list[TimelineEntry]
    schedule: ScheduleView | None


class RatingChange(BaseModel):
    """One attribute's self-rating in two reflections."""

    attribute: Attribute
    domain_name: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        """After minus before, when both were rated."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


class RatingComparison(BaseModel):
    """A before/after comparison of two reflections' self-ratings, in framework order."""

    before_on: date
    after_on: date
    changes: list[RatingChange]

    @property
    def improved(self) -> list[RatingChange]:
        """Attributes rated higher the second time."""
        return [c for c in self.changes if (c.delta or 0) > 0]

    @property
    def lowered(self) -> list[RatingChange]:
        """Attributes rated lower the second time."""
        return [c for c in self.changes if (c.delta or 0) < 0]
