"""Nudge slots in the person's own zone: across clock changes never shifted, skipped or doubled."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coaching.followup.models import Cadence, NudgePreferences
from bot.coaching.followup.schedule import (
    Slot,
    instant_at,
    next_nudge_slot,
    next_working_slot,
)
from bot.coaching.models import Person

NURSE = Person(workspace_id="T-TRUST", user_id="U-NURSE")
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


def _prefs(**changes: object) -> NudgePreferences:
    values: dict[str, object] = {
        "person": NURSE,
        "timezone": "Europe/London",
        "weekday": 1,
        "anchor": date(2026, 1, 6),
    }
    return NudgePreferences(**(values | changes))


def _slots(prefs: NudgePreferences, start: datetime, count: int) -> list[Slot]:
    slots, after = [], start
    for _ in range(count):
        slot = next_nudge_slot(prefs, after)
        slots.append(slot)
        after = slot.due_at
    return slots


def test_fortnightly_tuesdays_stay_at_ten_through_two_years_of_uk_clock_changes() -> None:
    prefs = _prefs()  # fortnightly, Tuesday, 10:00, Europe/London
    slots = _slots(prefs, datetime(2026, 1, 1, tzinfo=UTC), 52)
    local = [s.due_at.astimezone(prefs.zone) for s in slots]
    assert {t.time() for t in local} == {time(10, 0)}  # never shifted by an hour
    assert {t.weekday() for t in local} == {1}
    gaps = {(b.date() - a.date()).days for a, b in zip(local, local[1:], strict=False)}
    assert gaps == {14}  # never skipped, never doubled
    assert len({s.period_key for s in slots}) == 52
    utc_hours = {s.day: s.due_at.hour for s in slots}
    assert utc_hours[date(2026, 3, 17)] == 10 and utc_hours[date(2026, 3, 31)] == 9  # BST
    assert utc_hours[date(2026, 10, 13)] == 9 and utc_hours[date(2026, 10, 27)] == 10  # GMT
    assert local[-1].date() == date(2027, 12, 21)  # 51 fortnights after 6 Jan 2026


@pytest.mark.parametrize(
    "zone", ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
)
def test_weekly_monday_nudges_keep_local_time_in_every_zone(zone: str) -> None:
    prefs = _prefs(
        timezone=zone,
        cadence=Cadence.WEEKLY,
        weekday=0,
        preferred_time=time(9, 30),
        anchor=date(2026, 1, 5),
    )
    slots = _slots(prefs, datetime(2026, 1, 1, tzinfo=UTC), 104)
    local = [s.due_at.astimezone(ZoneInfo(zone)) for s in slots]
    assert {t.time() for t in local} == {time(9, 30)}
    assert {(b.date() - a.date()).days for a, b in zip(local, local[1:], strict=False)} == {7}
    assert len({s.due_at for s in slots}) == 104
    offsets = {t.utcoffset() for t in local}
    assert len(offsets) == (1 if zone == "Asia/Kolkata" else 2)


@pytest.mark.parametrize(
    ("sunday", "expected_utc"),
    [
        (date(2026, 3, 29), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (date(2027, 3, 28), datetime(2027, 3, 28, 1, 0, tzinfo=UTC)),
    ],
)
def test_a_time_the_clocks_skip_moves_to_the_end_of_the_gap(sunday, expected_utc) -> None:
    # 01:30 does not exist in London on spring-forward Sunday: the nudge goes at 02:00 BST.
    at = instant_at(sunday, time(1, 30), ZoneInfo("Europe/London"))
    assert at == expected_utc
    assert at.astimezone(ZoneInfo("Europe/London")).time() == time(2, 0)


def test_a_weekly_sunday_nudge_in_the_gap_is_sent_once_that_day_not_skipped() -> None:
    prefs = _prefs(
        cadence=Cadence.WEEKLY,
        weekday=6,
        working_days=EVERY_DAY,
        preferred_time=time(1, 30),
        window_start=time(0, 0),
        window_end=time(23, 0),
        anchor=date(2026, 3, 1),
    )
    days = [s.day for s in _slots(prefs, datetime(2026, 3, 1, tzinfo=UTC), 8)]
    assert days == [date(2026, 3, 1) + timedelta(weeks=n) for n in range(8)]


@pytest.mark.parametrize("sunday", [date(2026, 10, 25), date(2027, 10, 31)])
def test_a_time_that_happens_twice_is_sent_at_its_first_occurrence_only(sunday) -> None:
    prefs = _prefs(
        cadence=Cadence.WEEKLY,
        weekday=6,
        working_days=EVERY_DAY,
        preferred_time=time(1, 30),
        window_start=time(0, 0),
        window_end=time(23, 0),
        anchor=sunday - timedelta(weeks=1),
    )
    before = datetime.combine(sunday, time(0, 0), tzinfo=UTC) - timedelta(hours=2)
    first, second = _slots(prefs, before, 2)
    assert first.due_at == datetime.combine(sunday, time(0, 30), tzinfo=UTC)  # 01:30 BST
    assert second.day == sunday + timedelta(weeks=1)  # not again at 01:30 GMT


def test_new_york_spring_forward_gap_and_fall_back() -> None:
    zone = ZoneInfo("America/New_York")
    assert instant_at(date(2026, 3, 8), time(2, 30), zone) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )  # 03:00 EDT
    assert instant_at(date(2026, 11, 1), time(1, 30), zone) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )  # 01:30 EDT, the first of the two


def test_sydney_changes_the_other_way_round() -> None:
    zone = ZoneInfo("Australia/Sydney")
    # Clocks go forward on the first Sunday of October: 02:30 does not exist.
    assert instant_at(date(2026, 10, 4), time(2, 30), zone).astimezone(zone).time() == time(3)
    # And back on the first Sunday of April: 02:30 happens twice, the first is AEDT (+11).
    first = instant_at(date(2026, 4, 5), time(2, 30), zone)
    assert first.astimezone(zone).utcoffset() == timedelta(hours=11)


def test_a_pause_moves_the_next_nudge_to_the_first_slot_after_it() -> None:
    prefs = _prefs(paused_until=date(2026, 2, 10))
    slot = next_nudge_slot(prefs, datetime(2026, 1, 7, tzinfo=UTC))
    assert slot.day == date(2026, 2, 17)  # the 3 Feb slot falls in the pause; 17 Feb does not


def test_a_pause_ending_on_a_slot_day_keeps_that_slot() -> None:
    prefs = _prefs(paused_until=date(2026, 2, 3))
    assert next_nudge_slot(prefs, datetime(2026, 1, 7, tzinfo=UTC)).day == date(2026, 2, 3)


def test_monthly_nudges_fall_once_a_month_on_the_same_ordinal_weekday() -> None:
    # Anchored on Thursday 15 January 2026, the third Thursday: every third Thursday after.
    prefs = _prefs(cadence=Cadence.MONTHLY, weekday=3, anchor=date(2026, 1, 15))
    slots = _slots(prefs, datetime(2026, 1, 1, tzinfo=UTC), 24)
    assert {s.day.weekday() for s in slots} == {3}
    months = [(s.day.year, s.day.month) for s in slots]
    assert len(set(months)) == 24  # one per month, none skipped
    gaps = {(b.day - a.day).days for a, b in zip(slots, slots[1:], strict=False)}
    assert gaps == {28, 35}
    assert all(15 <= s.day.day <= 21 for s in slots)
    assert {s.due_at.astimezone(prefs.zone).time() for s in slots} == {time(10)}


def test_the_next_working_slot_is_now_inside_the_window_else_the_next_working_morning() -> None:
    prefs = _prefs()  # Monday to Friday, 09:00 to 17:00, preferred 10:00, London
    tuesday_noon = datetime(2026, 6, 2, 11, 0, tzinfo=UTC)  # 12:00 BST
    assert next_working_slot(prefs, tuesday_noon) == tuesday_noon
    friday_evening = datetime(2026, 6, 5, 18, 0, tzinfo=UTC)
    assert next_working_slot(prefs, friday_evening) == datetime(2026, 6, 8, 9, 0, tzinfo=UTC)
    early = datetime(2026, 6, 2, 6, 0, tzinfo=UTC)  # 07:00 BST
    assert next_working_slot(prefs, early) == datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def test_preferences_refuse_a_weekday_off_the_working_days_and_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="not one of the working days"):
        _prefs(weekday=5)
    with pytest.raises(ValueError, match="IANA"):
        _prefs(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="inside the time window"):
        _prefs(preferred_time=time(18, 0))
