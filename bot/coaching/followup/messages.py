"""Pure builders of what follow-up says: the message of a due nudge, and schedule sentences."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.coaching.followup.models import CheckInResponse, NudgeKind, NudgePreferences, PlannedNudge
from bot.coaching.followup.views import FollowUpTexts, NudgeMessage
from bot.coaching.framework import Attribute, Framework


def build_nudge_message(
    nudge: PlannedNudge,
    *,
    framework: Framework,
    texts: FollowUpTexts,
    goal: str | None = None,
    re_reflection_weeks: int = 12,
) -> NudgeMessage:
    """The message for a check-in, a reminder or a re-reflection invitation."""
    if nudge.kind is NudgeKind.RE_REFLECTION or nudge.attribute_id is None:
        text = texts.re_reflection.format(weeks=re_reflection_weeks)
        return _message(nudge, text)
    attribute = framework.attribute(nudge.attribute_id)
    names = {
        "attribute_id": attribute.id,
        "short_name": attribute.short_name,
        "statement": attribute.statement,
    }
    if nudge.kind is NudgeKind.REMINDER:
        text = texts.reminder.format(**names)
    else:
        text = texts.nudge.format(**names)
        if goal:
            text += "\n" + texts.nudge_goal.format(goal=goal)
    responses = tuple(texts.responses.items())
    return _message(nudge, text, attribute=attribute, goal=goal, responses=responses)


def nudge_renderer(
    *, framework: Framework, texts: FollowUpTexts, re_reflection_weeks: int = 12
) -> Callable[[PlannedNudge, str | None], NudgeMessage]:
    """build_nudge_message with the framework and texts bound: (nudge, goal) -> message."""

    def render(nudge: PlannedNudge, goal: str | None) -> NudgeMessage:
        return build_nudge_message(
            nudge,
            framework=framework,
            texts=texts,
            goal=goal,
            re_reflection_weeks=re_reflection_weeks,
        )

    return render


def _message(
    nudge: PlannedNudge,
    text: str,
    *,
    attribute: Attribute | None = None,
    goal: str | None = None,
    responses: tuple[tuple[CheckInResponse, str], ...] = (),
) -> NudgeMessage:
    """A check-in or reminder (with its attribute) can be answered and snoozed; an
    invitation to reflect again cannot."""
    return NudgeMessage(
        person=nudge.person,
        kind=nudge.kind,
        period_key=nudge.period_key,
        dedupe_key=nudge.dedupe_key,
        text=text,
        attribute=attribute,
        goal=goal,
        responses=responses,
        can_snooze=attribute is not None,
    )


def describe_local(instant: datetime, prefs: NudgePreferences) -> str:
    """An instant as the person reads it, e.g. 'Tuesday 8 December around 10:00'."""
    local = instant.astimezone(prefs.zone)
    return f"{local:%A} {local.day} {local:%B} around {local:%H:%M}"


def describe_schedule(prefs: NudgePreferences, first: datetime, texts: FollowUpTexts) -> str:
    """'I'll check in every two weeks, on Tuesday around 10:00 your time...'."""
    return texts.schedule_confirmation.format(
        cadence=texts.cadence_phrases[prefs.cadence],
        weekday=f"{first.astimezone(prefs.zone):%A}",
        time=f"{prefs.preferred_time:%H:%M}",
        first=describe_local(first, prefs),
    )
