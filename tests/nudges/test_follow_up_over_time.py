"""Follow-up told over weeks of a fake clock: check-ins, reminders, downtime, re-reflection."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.coaching.followup.models import (
    Cadence,
    CheckInResponse,
    NudgeKind,
    NudgeStatus,
)
from bot.coaching.followup.ports import PermanentFailure, RateLimited, TransientFailure
from bot.coaching.models import Person
from tests.nudges.fixtures import confirm_leadership

LONDON_10AM_WINTER = time(10, 0)


def _at(clock, when: datetime) -> None:
    clock.current = when


def _pending(store, person: Person, kind: NudgeKind = NudgeKind.NUDGE):
    return [
        n for n in store.nudges_for(person) if n.kind is kind and n.status is NudgeStatus.PENDING
    ]


def test_confirming_schedules_a_fortnightly_check_in_and_says_when(
    coach, followup, store, nurse
) -> None:
    confirm_leadership(coach, nurse)
    view = followup.start_after_confirm(nurse)
    assert view.message.startswith(
        "I'll check in every two weeks, on Tuesday around 10:00 your time"
    )
    assert "Tuesday 15 December around 10:00" in view.message
    (nudge,) = _pending(store, nurse)
    assert nudge.due_at == datetime(2026, 12, 15, 10, 0, tzinfo=UTC)
    assert nudge.attribute_id == "L1"
    (invite,) = _pending(store, nurse, NudgeKind.RE_REFLECTION)
    assert invite.due_at == datetime(
        2027, 2, 24, 10, 0, tzinfo=UTC
    )  # 12 weeks on, not with a check-in


def test_a_quarter_of_check_ins_rotates_priorities_with_one_reminder_each_unanswered(
    coach, followup, store, dispatcher, sender, clock, nurse
) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    sent_at: list[datetime] = []
    for _ in range(40):  # jump from due time to due time; re-run later to catch doubles
        upcoming = sorted(
            n.due_at for n in store.nudges_for(nurse) if n.status is NudgeStatus.PENDING
        )
        if not upcoming or upcoming[0] > datetime(2027, 3, 1, tzinfo=UTC):
            break
        _at(clock, upcoming[0])
        before = len(sender.delivered)
        assert dispatcher.send_due() == 1
        sent_at.append(clock.current)
        clock.advance(minutes=5)
        assert dispatcher.send_due() == 0 and len(sender.delivered) == before + 1
    kinds = [m.kind for m in sender.delivered]
    nudges = [m for m in sender.delivered if m.kind is NudgeKind.NUDGE]
    assert [m.attribute.id for m in nudges] == ["L1", "L2", "L8", "L1", "L2", "L8"]
    assert kinds.count(NudgeKind.REMINDER) == len(nudges)  # exactly one per unanswered nudge
    assert kinds.count(NudgeKind.RE_REFLECTION) == 1
    assert len({m.dedupe_key for m in sender.delivered}) == len(sender.delivered)
    assert "Your goal: Agree our ward's purpose" in nudges[0].text
    assert {t.astimezone(store.preferences(nurse).zone).time() for t in sent_at} == {
        LONDON_10AM_WINTER
    }


def test_a_check_in_cancels_the_reminder_and_stuck_gets_a_question_and_a_pointer(
    coach, followup, store, dispatcher, sender, clock, nurse
) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    _at(clock, datetime(2026, 12, 15, 10, 0, tzinfo=UTC))
    assert dispatcher.send_due() == 1
    assert len(_pending(store, nurse, NudgeKind.REMINDER)) == 1
    clock.advance(hours=4)
    outcome = followup.record_check_in(
        nurse, CheckInResponse.STUCK, note="The team never agrees on where we are heading."
    )
    assert outcome.prompt and outcome.prompt.endswith("?")
    assert outcome.related is not None
    assert outcome.related.attribute.id in ("L3", "C3", "L2")  # L1's related attributes
    assert outcome.related.context
    assert _pending(store, nurse, NudgeKind.REMINDER) == []
    _at(clock, datetime(2026, 12, 18, 10, 0, tzinfo=UTC))
    assert dispatcher.send_due() == 0


def test_after_three_weeks_of_downtime_one_nudge_goes_at_the_next_working_slot(
    coach, followup, store, dispatcher, sender, clock, nurse
) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    # The dispatcher was down from 14 December; it comes back at 03:00 on Saturday 9 January.
    _at(clock, datetime(2027, 1, 9, 3, 0, tzinfo=UTC))
    assert dispatcher.send_due() == 0  # not at 3 a.m., and not on a Saturday
    (held,) = _pending(store, nurse)
    assert held.due_at == datetime(2027, 1, 11, 10, 0, tzinfo=UTC)  # Monday, 10:00
    assert held.period_key == "fortnightly:2026-12-15"  # still the overdue period's one nudge
    _at(clock, held.due_at)
    assert dispatcher.send_due() == 1
    assert dispatcher.send_due() == 0
    (following,) = _pending(store, nurse)
    # Not the next day's slot (Tuesday 12 January): at least a week after the late one.
    assert following.due_at == datetime(2027, 1, 26, 10, 0, tzinfo=UTC)


def test_snooze_a_day_then_never_a_second_reminder(
    coach, followup, store, dispatcher, sender, clock, nurse
) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    _at(clock, datetime(2026, 12, 15, 10, 0, tzinfo=UTC))
    dispatcher.send_due()
    clock.advance(minutes=30)
    assert followup.snooze(nurse, 1) == "I'll remind you on Wednesday 16 December around 10:00."
    (reminder,) = _pending(store, nurse, NudgeKind.REMINDER)
    assert reminder.due_at == datetime(2026, 12, 16, 10, 0, tzinfo=UTC)
    _at(clock, reminder.due_at)
    assert dispatcher.send_due() == 1
    assert sender.delivered[-1].kind is NudgeKind.REMINDER
    with pytest.raises(Exception, match="already reminded you"):
        followup.snooze(nurse, 1)
    _at(clock, datetime(2026, 12, 18, 10, 0, tzinfo=UTC))
    assert dispatcher.send_due() == 0


def test_snoozing_a_week_past_the_next_check_in_waits_for_it(
    coach, followup, store, dispatcher, clock, nurse
) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    followup.change(nurse, cadence=Cadence.WEEKLY)
    nudge = _pending(store, nurse)[0]
    _at(clock, nudge.due_at)
    dispatcher.send_due()
    clock.advance(days=2)
    assert followup.snooze(nurse, 7).startswith("Your next check-in, on")
    assert _pending(store, nurse, NudgeKind.REMINDER) == []


def test_pause_for_leave_then_resume(coach, followup, store, dispatcher, clock, nurse) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    view = followup.pause_until(nurse, date(2027, 1, 4))
    assert view.next_due == datetime(2027, 1, 12, 10, 0, tzinfo=UTC)  # first slot after leave
    assert "paused until Monday 4 January" in view.message
    _at(clock, datetime(2026, 12, 15, 10, 0, tzinfo=UTC))
    assert dispatcher.send_due() == 0
    view = followup.resume(nurse)
    assert view.next_due == datetime(2026, 12, 29, 10, 0, tzinfo=UTC)


def test_changing_day_time_cadence_and_working_days(coach, followup, clock, nurse) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    view = followup.change(nurse, weekday=3, preferred_time=time(14, 30))
    assert view.next_local.replace(tzinfo=None) == datetime(
        2026, 12, 17, 14, 30
    )  # a week on at least
    assert "on Thursday around 14:30 your time" in view.message
    view = followup.change(nurse, cadence=Cadence.MONTHLY)
    assert view.next_local.date() == date(2027, 1, 7)  # the first Thursday of each month
    view = followup.change(nurse, working_days=(0, 1, 2, 3), timezone="America/New_York")
    assert view.next_local.tzinfo.key == "America/New_York"
    with pytest.raises(Exception, match="Friday is not one of the working days"):
        followup.change(nurse, weekday=4)
    with pytest.raises(Exception, match="inside the time window"):
        followup.change(nurse, preferred_time=time(20, 0))


def test_stop_cancels_everything_and_keeps_history(
    coach, followup, store, dispatcher, clock, nurse
) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    view = followup.stop(nurse)
    assert view.message.startswith("Check-ins are stopped") and view.next_due is None
    assert all(n.status is NudgeStatus.CANCELLED for n in store.nudges_for(nurse))
    _at(clock, datetime(2027, 3, 1, 10, 0, tzinfo=UTC))
    assert dispatcher.send_due() == 0


def test_a_deactivated_user_stops_their_nudges_and_the_reason_is_kept(
    coach, followup, store, dispatcher, sender, clock, nurse
) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    sender.script = [PermanentFailure("account_inactive")]
    _at(clock, datetime(2026, 12, 15, 10, 0, tzinfo=UTC))
    report = dispatcher.run_once()
    assert report.failed == 1 and report.sent == 0
    prefs = store.preferences(nurse)
    assert prefs.stopped and prefs.stop_reason == "unreachable: account_inactive"
    assert not [n for n in store.nudges_for(nurse) if n.status is NudgeStatus.PENDING]


def test_a_transient_error_retries_later_once_delivered(
    coach, followup, store, dispatcher, sender, clock, nurse
) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    sender.script = [TransientFailure("internal_error"), TransientFailure("timeout")]
    _at(clock, datetime(2026, 12, 15, 10, 0, tzinfo=UTC))
    assert dispatcher.run_once().retried == 1
    (again,) = _pending(store, nurse)
    assert again.attempts == 1 and again.due_at == datetime(2026, 12, 15, 10, 1, tzinfo=UTC)
    assert again.last_error == "internal_error"
    clock.advance(minutes=1)
    assert dispatcher.run_once().retried == 1
    clock.advance(minutes=2)
    assert dispatcher.send_due() == 1
    assert sender.lookups == 2  # each retry first checked the failed post had not gone through
    assert len(sender.delivered) == 1


def test_rate_limits_are_waited_out_and_each_person_gets_one_message(
    followup, store, dispatcher, sender, sleeps, clock, engine
) -> None:
    people = _many_due(store, clock, 30)
    sender.script = [RateLimited(2.0)] * 5 + [RateLimited(1.0)] * 3
    assert dispatcher.send_due() == 30
    assert sleeps == [2.0] * 5 + [1.0] * 3
    assert set(sender.per_person().values()) == {1} and len(sender.per_person()) == len(people)


def _run_until(until: datetime, clock, store, dispatcher, person: Person) -> None:
    """Run the dispatcher at each due time up to `until`, as a live one would."""
    while True:
        due = sorted(n.due_at for n in store.nudges_for(person) if n.status is NudgeStatus.PENDING)
        if not due or due[0] > until:
            return
        _at(clock, due[0])
        dispatcher.send_due()


def _many_due(store, clock, count: int) -> list[Person]:
    from tests.nudges.seed import seed_due_nudges

    return seed_due_nudges(store, count, due_at=clock.now() - timedelta(minutes=1))


def test_twelve_weeks_on_an_invitation_to_reflect_again_then_a_before_and_after(
    coach, followup, store, dispatcher, sender, clock, nurse
) -> None:
    confirm_leadership(coach, nurse, ratings=[1, 2, 3, 4, 5, 4, 3, 2, 2])
    followup.start_after_confirm(nurse)
    (invite,) = _pending(store, nurse, NudgeKind.RE_REFLECTION)
    _run_until(invite.due_at - timedelta(minutes=1), clock, store, dispatcher, nurse)
    _at(clock, invite.due_at)
    assert dispatcher.send_due() == 1
    assert sender.delivered[-1].kind is NudgeKind.RE_REFLECTION
    assert sender.delivered[-1].text.startswith("It's 12 weeks since you chose your priority")
    clock.advance(days=1)
    confirm_leadership(coach, nurse, ratings=[3, 2, 3, 4, 5, 4, 3, 1, 2], goal=None)
    view = followup.start_after_confirm(nurse)
    assert view.preferences.focus[0] == "L8"
    comparison = followup.comparison(nurse)
    assert comparison.before_on == date(2026, 12, 1) and comparison.after_on == date(2027, 2, 25)
    assert [(c.attribute.id, c.before, c.after) for c in comparison.improved] == [("L1", 1, 3)]
    assert [(c.attribute.id, c.delta) for c in comparison.lowered] == [("L8", -1)]
    (next_invite,) = _pending(store, nurse, NudgeKind.RE_REFLECTION)
    assert next_invite.period_key.startswith(f"re_reflection:{view.preferences.reflection_id}:1")
