"""What to plan next and what to do with a due message: pure functions, shared by the service
(when a person changes something) and the dispatcher (when a message goes out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.coaching.followup.models import (
    NudgeKind,
    NudgePreferences,
    NudgeRecord,
    PlannedNudge,
)
from bot.coaching.followup.schedule import (
    NOMINAL_DAYS,
    in_working_hours,
    local_date,
    next_nudge_slot,
    next_working_slot,
    slot_on_or_after,
)

# A message this late and outside working hours waits for the person's next working slot.
STALE_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class FollowUpPolicy:
    """The configurable rules: reminder delay (0 = none) and re-reflection interval."""

    reminder_after_days: int = 3
    re_reflection_weeks: int = 12


@dataclass(frozen=True)
class Send:
    """Send the message now."""


@dataclass(frozen=True)
class Reschedule:
    """Not now: keep the message (and its period) for this later instant."""

    due_at: datetime


@dataclass(frozen=True)
class Cancel:
    """Never send this message; the reason is recorded."""

    reason: str


Decision = Send | Reschedule | Cancel


def min_gap(prefs: NudgePreferences) -> timedelta:
    """Two check-ins are never closer than half the cadence, even after a late one."""
    return timedelta(days=NOMINAL_DAYS[prefs.cadence] / 2)


def next_focus(prefs: NudgePreferences, last_attribute_id: str | None) -> str | None:
    """The priority after the last one asked about, round the list; the first when none."""
    if not prefs.focus:
        return None
    if last_attribute_id not in prefs.focus:
        return prefs.focus[0]
    return prefs.focus[(prefs.focus.index(last_attribute_id) + 1) % len(prefs.focus)]


def plan_nudge(
    prefs: NudgePreferences, *, after: datetime, last: NudgeRecord | None = None
) -> PlannedNudge | None:
    """The next check-in after `after`, and half a cadence after the last one (or confirming)."""
    attribute_id = next_focus(prefs, last.attribute_id if last else None)
    if prefs.stopped or attribute_id is None:
        return None
    previous = last.sent_at if last is not None else prefs.confirmed_at
    not_before = max(after, previous + min_gap(prefs)) if previous else after
    slot = next_nudge_slot(prefs, not_before)
    return PlannedNudge(
        person=prefs.person,
        kind=NudgeKind.NUDGE,
        period_key=slot.period_key,
        due_at=slot.due_at,
        reflection_id=prefs.reflection_id,
        attribute_id=attribute_id,
    )


def plan_reminder(
    prefs: NudgePreferences, nudge: PlannedNudge, *, sent_at: datetime, days: int
) -> PlannedNudge | None:
    """The one quiet reminder of a check-in, `days` later at the person's preferred time."""
    if days <= 0 or prefs.stopped:
        return None
    due = slot_on_or_after(prefs, local_date(prefs, sent_at) + timedelta(days=days))
    return nudge.model_copy(update={"kind": NudgeKind.REMINDER, "due_at": due})


def plan_re_reflection(
    prefs: NudgePreferences, *, after: datetime, weeks: int
) -> PlannedNudge | None:
    """The next invitation to reflect again: every `weeks` weeks after confirming."""
    confirmed = prefs.confirmed_at
    if prefs.stopped or confirmed is None or prefs.reflection_id is None:
        return None
    interval = timedelta(weeks=weeks)
    number = max((after - confirmed) // interval, 0) + 1
    day = local_date(prefs, confirmed + number * interval)
    due = slot_on_or_after(prefs, day)
    if _is_check_in_day(prefs, due):  # one message a day: the invitation waits a working day
        due = slot_on_or_after(prefs, local_date(prefs, due) + timedelta(days=1))
    return PlannedNudge(
        person=prefs.person,
        kind=NudgeKind.RE_REFLECTION,
        period_key=f"re_reflection:{prefs.reflection_id}:{number}",
        due_at=due,
        reflection_id=prefs.reflection_id,
    )


def _is_check_in_day(prefs: NudgePreferences, instant: datetime) -> bool:
    day = local_date(prefs, instant)
    return next_nudge_slot(prefs, instant - timedelta(days=1)).day == day


def plan_after_sent(
    prefs: NudgePreferences, sent: NudgeRecord, policy: FollowUpPolicy
) -> list[PlannedNudge]:
    """What follows a message once it has gone out."""
    assert sent.sent_at is not None
    if sent.kind is NudgeKind.RE_REFLECTION:
        later = plan_re_reflection(prefs, after=sent.sent_at, weeks=policy.re_reflection_weeks)
        return [later] if later else []
    if sent.kind is not NudgeKind.NUDGE:
        return []
    following = plan_nudge(prefs, after=sent.sent_at, last=sent)
    reminder = plan_reminder(prefs, sent, sent_at=sent.sent_at, days=policy.reminder_after_days)
    if reminder and following and reminder.due_at >= following.due_at:
        reminder = None  # the next check-in comes first: no reminder of this one
    return [p for p in (following, reminder) if p is not None]


def decide(record: NudgeRecord, prefs: NudgePreferences | None, now: datetime) -> Decision:
    """Send a due message now, hold it for the person's next working slot, or drop it."""
    if prefs is None or prefs.stopped:
        return Cancel("stopped")
    if record.kind is NudgeKind.NUDGE and not prefs.focus:
        return Cancel("no priorities")
    if record.kind is NudgeKind.REMINDER and now - record.due_at > min_gap(prefs):
        return Cancel("reminder out of date")
    late = now - record.due_at > STALE_AFTER
    if _paused(prefs, now) or (late and not in_working_hours(prefs, now)):
        return Reschedule(next_working_slot(prefs, now))
    return Send()


def _paused(prefs: NudgePreferences, now: datetime) -> bool:
    return prefs.paused_until is not None and local_date(prefs, now) < prefs.paused_until
