"""When a nudge is due: pure functions of a person's preferences, computed in their own zone.

Slots are local wall-clock times, turned into UTC only at the end, so a nudge at 10:00 stays at
10:00 through daylight-saving changes. Two edge cases are handled explicitly:

- an ambiguous local time (clocks go back, the hour happens twice) takes its first occurrence
  (fold=0), so it is sent once;
- a nonexistent local time (clocks go forward over it) moves to the first instant after the gap,
  e.g. 01:30 on the UK's spring-forward Sunday becomes 02:00 BST: late by the gap, never skipped.

Periods are counted from the preferences' anchor date, so each has a stable key; a slot belongs
to exactly one period and there is one slot per period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.coaching.followup.models import Cadence, NudgePreferences

STEP_DAYS = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14}
NOMINAL_DAYS = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14, Cadence.MONTHLY: 30}
MAX_PERIODS_AHEAD = 600  # more than ten years of weekly slots: a bound, never reached in use


@dataclass(frozen=True)
class Slot:
    """One period's nudge: its stable key, its local date and the UTC instant it is due."""

    period_key: str
    day: date
    due_at: datetime


@lru_cache(maxsize=4096)
def instant_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time; see the module docstring for DST edges.

    Cached: a pure function, asked for the same few slots (zones, days, preferred times) for
    every person a dispatcher plans.
    """
    local = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of an ambiguous pair
    instant = local.astimezone(UTC)
    back = instant.astimezone(zone)
    if back.date() == day and back.time() == at:  # the wall-clock time exists
        return instant
    return _gap_end(local)


def _gap_end(local: datetime) -> datetime:
    """The instant the clocks jumped over `local`: the first moment after the gap."""
    zone = local.tzinfo
    low = int(local.replace(fold=1).astimezone(UTC).timestamp())  # before the jump
    high = int(local.replace(fold=0).astimezone(UTC).timestamp())  # after it
    after_offset = datetime.fromtimestamp(high, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def local_date(prefs: NudgePreferences, instant: datetime) -> date:
    """The person's local date at an instant."""
    return instant.astimezone(prefs.zone).date()


def period_start(prefs: NudgePreferences, index: int) -> date:
    """The first day of the index-th period: anchor + n weeks, or the n-th month's first day."""
    if prefs.cadence is Cadence.MONTHLY:
        year, month = divmod(prefs.anchor.year * 12 + prefs.anchor.month - 1 + index, 12)
        return date(year, month + 1, 1)
    return prefs.anchor + timedelta(days=STEP_DAYS[prefs.cadence] * index)


def period_index(prefs: NudgePreferences, day: date) -> int:
    """The period a local date falls in (0 for days before the anchor)."""
    if prefs.cadence is Cadence.MONTHLY:
        months = (day.year - prefs.anchor.year) * 12 + day.month - prefs.anchor.month
        return max(months, 0)
    return max((day - prefs.anchor).days // STEP_DAYS[prefs.cadence], 0)


def period_slot(prefs: NudgePreferences, index: int) -> Slot:
    """The nudge slot of one period: the preferred weekday on or after its start.

    Monthly, it is the same ordinal weekday as the anchor's day (the 1st to 4th Tuesday, say),
    which every month has, so each month gets exactly one slot.
    """
    start = period_start(prefs, index)
    day = start + timedelta(days=(prefs.weekday - start.weekday()) % 7)
    if prefs.cadence is Cadence.MONTHLY:
        day += timedelta(weeks=(min(prefs.anchor.day, 28) - 1) // 7)
    key = f"{prefs.cadence.value}:{start.isoformat()}"
    return Slot(key, day, instant_at(day, prefs.preferred_time, prefs.zone))


def next_nudge_slot(prefs: NudgePreferences, after: datetime) -> Slot:
    """The first period slot strictly after `after` and not inside a pause."""
    first = max(period_index(prefs, local_date(prefs, after)) - 1, 0)
    for index in range(first, first + MAX_PERIODS_AHEAD):
        slot = period_slot(prefs, index)
        if slot.due_at > after and not _paused(prefs, slot.day):
            return slot
    raise ValueError("no nudge slot within the planning horizon")


def _paused(prefs: NudgePreferences, day: date) -> bool:
    return prefs.paused_until is not None and day < prefs.paused_until


def is_working_day(prefs: NudgePreferences, day: date) -> bool:
    """A day the person works and has not paused."""
    return day.weekday() in prefs.working_days and not _paused(prefs, day)


def in_working_hours(prefs: NudgePreferences, instant: datetime) -> bool:
    """Whether an instant is inside the person's window on a working, unpaused day."""
    local = instant.astimezone(prefs.zone)
    inside = prefs.window_start <= local.time() < prefs.window_end
    return inside and is_working_day(prefs, local.date())


def slot_on_or_after(prefs: NudgePreferences, day: date) -> datetime:
    """The preferred time on the first working, unpaused day on or after `day`."""
    for offset in range(0, 7 + _pause_days(prefs, day)):
        candidate = day + timedelta(days=offset)
        if is_working_day(prefs, candidate):
            return instant_at(candidate, prefs.preferred_time, prefs.zone)
    raise ValueError("no working day within the planning horizon")


def _pause_days(prefs: NudgePreferences, day: date) -> int:
    return max((prefs.paused_until - day).days, 0) if prefs.paused_until else 0


def next_working_slot(prefs: NudgePreferences, after: datetime) -> datetime:
    """`after` itself inside working hours, else the next preferred time on a working day."""
    if in_working_hours(prefs, after):
        return after
    today = local_date(prefs, after)
    candidate = slot_on_or_after(prefs, today)
    return candidate if candidate > after else slot_on_or_after(prefs, today + timedelta(days=1))
