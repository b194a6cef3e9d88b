"""A follow-up message as it was sent to a person, rebuilt from what is stored.

A channel redraws a message after a click (the answer given, snoozed, stopped) from this, never
from the copy of the message the click carries: that copy is whatever the request says, and
writing it back would let a request put any words into the bot's message.
"""

from __future__ import annotations

from bot.coaching.followup.messages import build_nudge_message
from bot.coaching.followup.models import NudgeKind, NudgeRecord, NudgeStatus
from bot.coaching.followup.service import FollowUpService
from bot.coaching.followup.views import NudgeMessage
from bot.coaching.models import Person


def sent_message(
    followup: FollowUpService,
    person: Person,
    *,
    ref: str | None = None,
    period: str | None = None,
) -> NudgeMessage | None:
    """The person's sent message with this platform id (`ref`, a Slack ts), else the check-in
    of `period`; None when neither names a message sent to this person."""
    sent = [n for n in followup.nudges.nudges_for(person) if n.status is NudgeStatus.SENT]
    record = _found(sent, ref, period)
    if record is None:
        return None
    return build_nudge_message(
        record,
        framework=followup.framework,
        texts=followup.texts,
        goal=_goal(followup, person, record),
        re_reflection_weeks=followup.policy.re_reflection_weeks,
    )


def _found(sent: list[NudgeRecord], ref: str | None, period: str | None) -> NudgeRecord | None:
    """The message sent as `ref` (of `period`, when named), else the check-in of `period`."""
    by_ref = (n for n in sent if ref and n.delivery_ref == ref and period in (None, n.period_key))
    by_period = (n for n in sent if period and n.period_key == period and n.kind is NudgeKind.NUDGE)
    return next(by_ref, None) or next(by_period, None)


def _goal(followup: FollowUpService, person: Person, record: NudgeRecord) -> str | None:
    """The goal the check-in names: the person's goal for its priority area, as it is now."""
    if record.reflection_id is None or record.attribute_id is None:
        return None
    reflection = followup.reflections.get(record.reflection_id)
    if reflection is None or reflection.person != person or reflection.summary is None:
        return None
    return next(
        (p.goal for p in reflection.summary.priorities if p.attribute_id == record.attribute_id),
        None,
    )
