"""FollowUpService: every follow-up action a person can take, channel-independent."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from bot.coaching.errors import ConcurrentUpdate, InvalidInput, NotFound
from bot.coaching.followup.compare import compare_ratings, ratings_of
from bot.coaching.followup.messages import describe_local, describe_schedule
from bot.coaching.followup.models import (
    Cadence,
    CheckIn,
    CheckInResponse,
    NudgeKind,
    NudgePreferences,
    NudgeRecord,
    NudgeStatus,
    PlannedNudge,
    PlanResult,
)
from bot.coaching.followup.planning import (
    FollowUpPolicy,
    plan_nudge,
    plan_re_reflection,
)
from bot.coaching.followup.ports import NudgeRepository
from bot.coaching.followup.schedule import local_date, slot_on_or_after
from bot.coaching.followup.views import (
    CheckInOutcome,
    FollowUpTexts,
    ProgressGoal,
    ProgressView,
    RatingComparison,
    RelatedPointer,
    ScheduleView,
    TimelineEntry,
)
from bot.coaching.framework import Attribute, Framework
from bot.coaching.models import Person, Reflection, Status
from bot.coaching.ports import Clock, ReflectionRepository, Retriever

logger = logging.getLogger(__name__)

MAX_NOTE_CHARS = 3_000  # what a Slack text input allows
SNOOZE_DAYS = (1, 7)
MAX_PAUSE_DAYS = 366
ALL_KINDS = tuple(NudgeKind)


class FollowUpService:
    """Checks in on confirmed priorities: schedule, check-ins, snooze, pause, history."""

    def __init__(
        self,
        *,
        framework: Framework,
        texts: FollowUpTexts,
        nudges: NudgeRepository,
        reflections: ReflectionRepository,
        retriever: Retriever,
        clock: Clock,
        default_timezone: str,
        policy: FollowUpPolicy | None = None,
    ) -> None:
        self.framework = framework
        self.texts = texts
        self.nudges = nudges
        self.reflections = reflections
        self.retriever = retriever
        self.clock = clock
        self.default_timezone = default_timezone
        self.policy = policy or FollowUpPolicy()

    # -- starting and settings --------------------------------------------------------------

    def start_after_confirm(self, person: Person, *, timezone: str | None = None) -> ScheduleView:
        """Follow up on the person's newly confirmed priorities; says when the first check-in is."""
        reflection = self.reflections.latest_completed_for(person)
        if reflection is None or reflection.summary is None:
            raise NotFound("Confirm your priority areas first; then I'll check in on them.")
        now = self.clock.now()
        prefs = self.nudges.preferences(person) or self._defaults(person, timezone, now)
        changes: dict[str, Any] = {
            "reflection_id": reflection.id,
            "focus": tuple(p.attribute_id for p in reflection.summary.priorities),
            "confirmed_at": reflection.completed_at or now,
        }
        if timezone and _known_zone(timezone):
            changes["timezone"] = timezone
        saved = self.nudges.save_preferences(prefs.model_copy(update=changes))
        self.nudges.cancel_pending(person, (NudgeKind.REMINDER,))
        self._plan_nudge(saved, after=now)
        self._plan_re_reflection(saved, now)
        return self._view(saved)

    def status(self, person: Person) -> ScheduleView | None:
        """The person's follow-up settings and next check-in, or None before any."""
        prefs = self.nudges.preferences(person)
        return self._view(prefs) if prefs else None

    def change(
        self,
        person: Person,
        *,
        cadence: Cadence | None = None,
        weekday: int | None = None,
        preferred_time: time | None = None,
        window: tuple[time, time] | None = None,
        working_days: tuple[int, ...] | None = None,
        timezone: str | None = None,
    ) -> ScheduleView:
        """Change how often, which day, what time, which working days or the time zone."""
        prefs = self._prefs(person)
        changes: dict[str, Any] = {
            "cadence": cadence,
            "weekday": weekday,
            "preferred_time": preferred_time,
            "working_days": working_days,
            "timezone": timezone,
        }
        if window is not None:
            changes["window_start"], changes["window_end"] = window
        changes = {key: value for key, value in changes.items() if value is not None}
        if "cadence" in changes or "weekday" in changes:
            changes["anchor"] = local_date(prefs, self.clock.now())  # periods restart today
        return self._replan(_updated(prefs, changes))

    def pause_until(self, person: Person, until: date) -> ScheduleView:
        """No check-ins or reminders before `until` (the day the person is back)."""
        prefs = self._prefs(person)
        today = local_date(prefs, self.clock.now())
        if not today < until <= today + timedelta(days=MAX_PAUSE_DAYS):
            raise InvalidInput("Choose a date after today and within a year to pause until.")
        self.nudges.cancel_pending(person, (NudgeKind.REMINDER,))
        return self._replan(_updated(prefs, {"paused_until": until}))

    def resume(self, person: Person) -> ScheduleView:
        """End a pause or a stop: check-ins carry on from the next slot."""
        prefs = self._prefs(person)
        resumed = _updated(prefs, {"paused_until": None, "stopped": False, "stop_reason": None})
        view = self._replan(resumed)
        self._plan_re_reflection(view.preferences, self.clock.now())
        return self._view(view.preferences)

    def stop(self, person: Person, reason: str = "asked") -> ScheduleView:
        """No more check-ins, reminders or invitations; history and goals are kept."""
        prefs = self._prefs(person)
        saved = self.nudges.save_preferences(
            _updated(prefs, {"stopped": True, "stop_reason": reason})
        )
        self.nudges.cancel_pending(person, ALL_KINDS)
        return self._view(saved)

    def snooze(self, person: Person, days: int) -> str:
        """Ask again about the last check-in a day or a week from now (its one reminder)."""
        if days not in SNOOZE_DAYS:
            raise InvalidInput("You can snooze a check-in for a day or a week.")
        prefs = self._prefs(person)
        waiting = self._unanswered(person)
        if waiting is None:
            raise InvalidInput(self.texts.nothing_to_snooze)
        when = slot_on_or_after(prefs, local_date(prefs, self.clock.now()) + timedelta(days=days))
        upcoming = self._pending(person, NudgeKind.NUDGE)
        if upcoming is not None and when >= upcoming.due_at:
            self.nudges.cancel_pending(person, (NudgeKind.REMINDER,))
            return self.texts.snooze_after_next.format(next=describe_local(upcoming.due_at, prefs))
        repeat = waiting.model_copy(update={"kind": NudgeKind.REMINDER, "due_at": when})
        planned = PlannedNudge(**_planned_fields(repeat))
        result = self.nudges.plan(planned, prefs_version=prefs.version)
        if result is PlanResult.PERIOD_TAKEN:
            following = describe_local(upcoming.due_at, prefs) if upcoming else "not planned yet"
            raise InvalidInput(self.texts.already_reminded.format(next=following))
        if result is PlanResult.STALE:
            raise _crossed()
        return self.texts.snoozed.format(when=describe_local(when, prefs))

    # -- check-ins and history ------------------------------------------------------------

    def record_check_in(
        self,
        person: Person,
        response: CheckInResponse,
        *,
        note: str | None = None,
        period_key: str | None = None,
    ) -> CheckInOutcome:
        """Keep what the person tried; when stuck, offer one question and a related attribute."""
        note = _clean_note(note)
        prefs = self._prefs(person)
        nudge = self._nudge_for(person, period_key)
        attribute_id = nudge.attribute_id if nudge else (prefs.focus[0] if prefs.focus else None)
        check_in = CheckIn(
            person=person,
            response=response,
            note=note,
            reflection_id=nudge.reflection_id if nudge else prefs.reflection_id,
            attribute_id=attribute_id,
            period_key=nudge.period_key if nudge else None,
            created_at=self.clock.now(),
        )
        self.nudges.add_check_in(check_in)
        if nudge is not None:
            self.nudges.cancel_pending(person, (NudgeKind.REMINDER,), period_key=nudge.period_key)
        return self._outcome(check_in)

    def progress(self, person: Person) -> ProgressView:
        """Priorities and goals, the timeline of check-ins, and the next check-in."""
        reflection = self.reflections.latest_completed_for(person)
        prefs = self.nudges.preferences(person)
        zone_prefs = prefs or self._defaults(person, None, self.clock.now())
        return ProgressView(
            person=person,
            confirmed_on=local_date(zone_prefs, reflection.completed_at)
            if reflection and reflection.completed_at
            else None,
            priorities=self._goals(reflection) if reflection else [],
            timeline=[self._entry(c, zone_prefs) for c in self.nudges.check_ins_for(person)],
            schedule=self._view(prefs) if prefs else None,
        )

    def comparison(self, person: Person) -> RatingComparison | None:
        """How self-ratings moved between the two most recent completed reflections."""
        completed = self.completed_reflections(person)
        if len(completed) < 2:
            return None
        return compare_ratings(completed[-2], completed[-1], self.framework)

    def completed_reflections(self, person: Person) -> list[Reflection]:
        """The person's completed reflections, oldest first."""
        done = [r for r in self.reflections.history_for(person) if r.status is Status.COMPLETED]
        return sorted(done, key=lambda r: r.completed_at or r.updated_at)

    # -- internals ------------------------------------------------------------------------

    def _defaults(self, person: Person, timezone: str | None, now: datetime) -> NudgePreferences:
        zone = timezone if timezone and _known_zone(timezone) else self.default_timezone
        today = now.astimezone(ZoneInfo(zone)).date()
        weekday = today.weekday() if today.weekday() < 5 else 0  # the day they confirmed
        return NudgePreferences(person=person, timezone=zone, weekday=weekday, anchor=today)

    def _prefs(self, person: Person) -> NudgePreferences:
        prefs = self.nudges.preferences(person)
        if prefs is None:
            raise NotFound(
                "There are no check-ins to change yet: they start when you confirm your "
                "priority areas."
            )
        return prefs

    def _replan(self, prefs: NudgePreferences) -> ScheduleView:
        saved = self.nudges.save_preferences(prefs)
        self._plan_nudge(saved, after=self.clock.now())
        return self._view(saved)

    def _plan_nudge(self, prefs: NudgePreferences, *, after: datetime) -> None:
        last = self._last_sent_nudge(prefs)
        for _ in range(12):  # a taken period moves the plan on by one period
            planned = plan_nudge(prefs, after=after, last=last)
            if planned is None:
                self.nudges.cancel_pending(prefs.person, (NudgeKind.NUDGE,))
                return
            result = self.nudges.plan(planned, prefs_version=prefs.version)
            if result is PlanResult.PLANNED:
                return
            if result is PlanResult.STALE:
                raise _crossed()
            after = planned.due_at

    def _plan_re_reflection(self, prefs: NudgePreferences, now: datetime) -> None:
        weeks = self.policy.re_reflection_weeks
        planned = plan_re_reflection(prefs, after=now, weeks=weeks)
        if (
            planned is not None
            and self.nudges.plan(planned, prefs_version=prefs.version) is PlanResult.STALE
        ):
            raise _crossed()

    def _last_sent_nudge(self, prefs: NudgePreferences) -> NudgeRecord | None:
        return next(
            (
                n
                for n in self.nudges.nudges_for(prefs.person)
                if n.kind is NudgeKind.NUDGE
                and n.status is NudgeStatus.SENT
                and n.reflection_id == prefs.reflection_id
            ),
            None,
        )

    def _pending(self, person: Person, kind: NudgeKind) -> NudgeRecord | None:
        return next(
            (
                n
                for n in self.nudges.nudges_for(person)
                if n.kind is kind and n.status is NudgeStatus.PENDING
            ),
            None,
        )

    def _nudge_for(self, person: Person, period_key: str | None) -> NudgeRecord | None:
        sent = [
            n
            for n in self.nudges.nudges_for(person)
            if n.kind is NudgeKind.NUDGE and n.status is NudgeStatus.SENT
        ]
        if period_key is None:
            return max(sent, key=lambda n: n.sent_at or n.due_at, default=None)
        return next((n for n in sent if n.period_key == period_key), None)

    def _unanswered(self, person: Person) -> NudgeRecord | None:
        latest = self._nudge_for(person, None)
        answered = {c.period_key for c in self.nudges.check_ins_for(person)}
        return latest if latest and latest.period_key not in answered else None

    def _view(self, prefs: NudgePreferences) -> ScheduleView:
        due = None if prefs.stopped else self._next_due(prefs)
        if prefs.stopped:
            message = self.texts.stopped
        elif prefs.paused_until and due:
            message = self.texts.paused.format(
                until=f"{prefs.paused_until:%A} {prefs.paused_until.day} {prefs.paused_until:%B}",
                next=describe_local(due, prefs),
            )
        else:
            message = describe_schedule(prefs, due, self.texts) if due else self.texts.stopped
        return ScheduleView(
            preferences=prefs,
            next_due=due,
            next_local=due.astimezone(prefs.zone) if due else None,
            message=message,
        )

    def _next_due(self, prefs: NudgePreferences) -> datetime | None:
        """The pending check-in's time; while one is being sent, the one planned after it."""
        upcoming = self._pending(prefs.person, NudgeKind.NUDGE)
        if upcoming is not None:
            return upcoming.due_at
        planned = plan_nudge(prefs, after=self.clock.now(), last=self._last_sent_nudge(prefs))
        return planned.due_at if planned else None

    def _outcome(self, check_in: CheckIn) -> CheckInOutcome:
        acknowledgement = self.texts.acknowledgements[check_in.response]
        if check_in.response is not CheckInResponse.STUCK or check_in.attribute_id is None:
            return CheckInOutcome(acknowledgement=acknowledgement)
        stuck_before = sum(
            1
            for c in self.nudges.check_ins_for(check_in.person)
            if c.response is CheckInResponse.STUCK
        )
        prompts = self.texts.stuck_prompts
        return CheckInOutcome(
            acknowledgement=acknowledgement,
            prompt=prompts[(stuck_before - 1) % len(prompts)],
            related=self._related(self.framework.attribute(check_in.attribute_id), check_in.note),
        )

    def _related(self, attribute: Attribute, note: str | None) -> RelatedPointer | None:
        candidates = [a for a in attribute.enrichment.related if self.framework.has_attribute(a)]
        if not candidates:
            return None
        chosen = self._best_related(candidates, note) or candidates[0]
        related = self.framework.attribute(chosen)
        return RelatedPointer(
            attribute=related,
            message=self.texts.stuck_pointer.format(
                attribute_id=related.id, short_name=related.short_name, statement=related.statement
            ),
            context=self._context(related),
        )

    def _best_related(self, candidates: list[str], note: str | None) -> str | None:
        if not note or len(note.split()) < 4:
            return None
        try:
            passages = self.retriever.search(note, k=5)
        except Exception:  # retrieval is an aid; the note itself is never logged
            logger.exception("retrieval for a stuck check-in failed")
            return None
        return next((p.attribute_id for p in passages if p.attribute_id in candidates), None)

    def _context(self, attribute: Attribute) -> str | None:
        try:
            passage = self.retriever.context_for(attribute)
        except Exception:
            logger.exception("context retrieval failed for %s", attribute.id)
            return None
        return passage.text if passage else None

    def _goals(self, reflection: Reflection) -> list[ProgressGoal]:
        assert reflection.summary is not None
        ratings = ratings_of(reflection)
        goals = []
        for priority in reflection.summary.priorities:
            attribute = self.framework.attribute(priority.attribute_id)
            goals.append(
                ProgressGoal(
                    attribute=attribute,
                    domain_name=self.framework.domain(attribute.domain_id).name,
                    goal=priority.goal,
                    rating=ratings.get(attribute.id),
                )
            )
        return goals

    def _entry(self, check_in: CheckIn, prefs: NudgePreferences) -> TimelineEntry:
        attribute_id = check_in.attribute_id
        known = attribute_id is not None and self.framework.has_attribute(attribute_id)
        return TimelineEntry(
            day=local_date(prefs, check_in.created_at),
            attribute=self.framework.attribute(attribute_id) if known and attribute_id else None,
            response=check_in.response,
            label=self.texts.responses[check_in.response],
            note=check_in.note,
        )


def _updated(prefs: NudgePreferences, changes: dict[str, Any]) -> NudgePreferences:
    """Preferences with changes applied and checked; a bad combination says what is wrong."""
    try:
        return NudgePreferences.model_validate(prefs.model_dump() | changes)
    except ValidationError as error:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        raise InvalidInput(f"Nothing was changed: {reasons}.") from error


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("ignoring unknown time zone %r", name)
        return False
    return True


def _planned_fields(record: NudgeRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in PlannedNudge.model_fields}


def _clean_note(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(
            f"That note is {len(note):,} characters; the limit is {MAX_NOTE_CHARS:,}. "
            "Nothing was saved."
        )
    return note.replace("\x00", "").strip()


def _crossed() -> ConcurrentUpdate:
    return ConcurrentUpdate(
        "That change crossed with another one to your check-ins; please try again."
    )
