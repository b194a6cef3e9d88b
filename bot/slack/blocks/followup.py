"""Follow-up messages in the DM: the check-in, what the coach says back, the schedule, and the
self-ratings chart with a before/after comparison. Pure functions of the follow-up views."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
    ImageBlock,
    PlainTextObject,
)

from bot.coaching.followup.models import CheckInResponse, NudgeKind
from bot.coaching.followup.views import (
    CheckInOutcome,
    NudgeMessage,
    ProgressView,
    RatingChange,
    RatingComparison,
    ScheduleView,
)
from bot.slack import followup_ids as fids
from bot.slack.blocks import followup_wording as say
from bot.slack.blocks.kit import actions, button, context, header, section, to_dicts
from bot.slack.blocks.text import (
    CONTEXT_TEXT,
    MESSAGE_TEXT,
    SECTION_TEXT,
    Message,
    cut,
    escape,
    mrkdwn,
)

IMAGE_ALT_TEXT = 2_000  # Block Kit's limit for an image block's alt_text
SNOOZE_DAYS = (1, 7)
Responses = Sequence[tuple[CheckInResponse, str]]


@dataclass(frozen=True)
class ChartImage:
    """The self-ratings chart as Slack holds it: an uploaded file, or None when that failed."""

    alt_text: str
    file_id: str | None = None


def day_name(day: date) -> str:
    """'Tuesday 1 December'."""
    return f"{day:%A} {day.day} {day:%B}"


# -- the check-in ---------------------------------------------------------------------------


def build_check_in_message(message: NudgeMessage) -> Message:
    """A check-in or reminder with its answers, a note, snooze, settings and stop."""
    if message.kind is NudgeKind.RE_REFLECTION or message.attribute is None:
        return build_re_reflection_message(message)
    template = say.REMINDER_HEADER if message.kind is NudgeKind.REMINDER else say.CHECK_IN_HEADER
    attribute = message.attribute
    blocks: list[Block] = [
        header(template.format(attribute_id=attribute.id, short_name=attribute.short_name)),
        section(mrkdwn(message.text, SECTION_TEXT)),
        *answer_blocks(message.period_key, message.responses, can_snooze=message.can_snooze),
    ]
    return Message(text=mrkdwn(message.text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_ask_now_message(progress: ProgressView, responses: Responses) -> Message:
    """A check-in the person asked for: their priorities and goals, and the question."""
    lines = [say.ASK_NOW_PRIORITIES]
    for goal in progress.priorities:
        line = say.ASK_NOW_PRIORITY.format(
            attribute_id=goal.attribute.id, short_name=escape(goal.attribute.short_name)
        )
        if goal.goal:
            line += say.ASK_NOW_GOAL.format(goal=mrkdwn(goal.goal, 300))
        lines.append(line)
    since = _since(progress)
    question = say.ASK_NOW_QUESTION.format(since=since) if since else say.ASK_NOW_QUESTION_NEW
    blocks: list[Block] = [
        header(say.ASK_NOW_HEADER),
        section(cut("\n".join(lines), SECTION_TEXT)),
        section(question),
        *answer_blocks(fids.NOW, responses, can_snooze=False),
    ]
    text = say.ASK_NOW_TEXT.format(since=since or "you chose them")
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def answer_blocks(period: str, responses: Responses, *, can_snooze: bool) -> list[Block]:
    """The answer buttons, then a note, snooze, settings and stop, then a hint."""
    answers = [
        button(
            label,
            fids.answer(response),
            fids.pack(period, response),
            say.ANSWER_LABEL.format(label=label),
        )
        for response, label in responses
    ]
    more: list[Any] = [button(say.NOTE, fids.NOTE, period, say.NOTE_LABEL)]
    if can_snooze:
        more += [
            button(say.SNOOZE[days], fids.snooze(days), str(days), say.SNOOZE_LABEL[days])
            for days in SNOOZE_DAYS
        ]
    more += [settings_button(say.SETTINGS, say.SETTINGS_LABEL), stop_button()]
    return [
        actions(answers, block_id="fu.answers"),
        actions(more, block_id="fu.more"),
        context(say.CHECK_IN_HINT),
    ]


def build_re_reflection_message(message: NudgeMessage) -> Message:
    """The invitation to reflect again, every few weeks."""
    choices = [
        button(
            say.REFLECT_PRIORITIES,
            fids.again(fids.PRIORITIES),
            fids.PRIORITIES,
            say.REFLECT_PRIORITIES_LABEL,
            style="primary",
        ),
        button(say.REFLECT_ALL, fids.again("all"), "all", say.REFLECT_ALL_LABEL),
        settings_button(say.SETTINGS, say.SETTINGS_LABEL),
        stop_button(),
    ]
    blocks: list[Block] = [
        header(say.RE_REFLECTION_HEADER),
        section(mrkdwn(message.text, SECTION_TEXT)),
        actions(choices, block_id="fu.again"),
    ]
    return Message(text=mrkdwn(message.text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def settings_button(text: str, label: str) -> ButtonElement:
    """Opens the check-in settings."""
    return button(text, fids.SETTINGS, "settings", label)


def stop_button() -> ButtonElement:
    """Stops every check-in, after a confirmation dialog."""
    stop = button(say.STOP, fids.STOP, "stop", say.STOP_LABEL, style="danger")
    stop.confirm = ConfirmObject(
        title=say.STOP_CONFIRM_TITLE,
        text=say.STOP_CONFIRM_TEXT,
        confirm=say.STOP_CONFIRM_YES,
        deny=say.STOP_CONFIRM_NO,
        style="danger",
    )
    return stop


# -- after a click: the same message, redrawn ------------------------------------------------


def answered(blocks: list[dict[str, Any]], label: str, *, with_note: bool) -> list[dict[str, Any]]:
    """The check-in as it was asked, its controls replaced by the answer given."""
    template = say.ANSWERED_WITH_NOTE if with_note else say.ANSWERED
    return _content(blocks) + to_dicts([context(template.format(label=escape(label)))])


def snoozed(blocks: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """The check-in without its snooze buttons, saying when it comes back."""
    kept = [_without_snooze(b) for b in blocks if b.get("block_id") != "fu.snoozed"]
    note = context(say.SNOOZED.format(text=escape(text)), block_id="fu.snoozed")
    return [b for b in kept if b is not None] + to_dicts([note])


def stopped(blocks: list[dict[str, Any]], schedule: ScheduleView) -> list[dict[str, Any]]:
    """The message that was stopped from: what it asked, then stopped, with a way back."""
    resume = button(say.RESUME, fids.RESUME, "resume", say.RESUME_LABEL)
    return _content(blocks) + to_dicts(
        [context(mrkdwn(schedule.message, CONTEXT_TEXT)), actions([resume], block_id="fu.resume")]
    )


def _content(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The header and sections of a message, without its controls and small print."""
    return [b for b in blocks if b.get("type") in ("header", "section", "image")]


def _without_snooze(block: dict[str, Any]) -> dict[str, Any] | None:
    if block.get("type") != "actions":
        return block
    elements = [
        e for e in block.get("elements", []) if not fids.SNOOZE.match(e.get("action_id", ""))
    ]
    return dict(block, elements=elements) if elements else None


# -- what the coach says back ---------------------------------------------------------------


def build_outcome_message(outcome: CheckInOutcome) -> Message:
    """The acknowledgement; when stuck, one question and a related attribute to look at."""
    blocks: list[Block] = [section(mrkdwn(outcome.acknowledgement, SECTION_TEXT))]
    parts = [outcome.acknowledgement]
    if outcome.prompt:
        blocks.append(section(f"*{mrkdwn(outcome.prompt, SECTION_TEXT - 2)}*"))
        parts.append(outcome.prompt)
    if outcome.related:
        blocks.append(section(mrkdwn(outcome.related.message, SECTION_TEXT)))
        parts.append(outcome.related.message)
        if outcome.related.context:
            quoted = say.RELATED_CONTEXT.format(text=escape(outcome.related.context))
            blocks.append(context(cut(quoted, CONTEXT_TEXT)))
    return Message(text=mrkdwn(" ".join(parts), MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_schedule_message(view: ScheduleView) -> Message:
    """When the check-ins are, with a button to change that."""
    change = settings_button(say.CHANGE_THIS, say.CHANGE_THIS_LABEL)
    blocks: list[Block] = [
        section(mrkdwn(view.message, SECTION_TEXT)),
        actions([change], block_id="fu.schedule"),
    ]
    return Message(text=mrkdwn(view.message, MESSAGE_TEXT), blocks=to_dicts(blocks))


# -- self-ratings -----------------------------------------------------------------------------


def build_ratings_message(chart: ChartImage, comparison: RatingComparison | None) -> Message:
    """The chart of self-ratings and, after a second reflection, what moved."""
    title = say.MOVED_TITLE if comparison else say.RATINGS_TITLE
    blocks: list[Block] = [header(title)]
    said = comparison_lines(comparison) if comparison else []
    if said:
        blocks.append(section(cut("\n".join(said), SECTION_TEXT)))
    blocks.extend(chart_blocks(chart))
    blocks.append(context(say.CHART_ON_HOME))
    text = " ".join([title + ".", *said, chart.alt_text])
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def chart_blocks(chart: ChartImage) -> list[Block]:
    """The chart as an image block whose alt text states the data; the text alone without it."""
    if chart.file_id is None:
        return [context(mrkdwn(say.CHART_MISSING.format(alt=chart.alt_text), CONTEXT_TEXT))]
    image = ImageBlock(
        slack_file={"id": chart.file_id},
        alt_text=cut(chart.alt_text, IMAGE_ALT_TEXT),
        title=PlainTextObject(text=say.CHART_TITLE),
        block_id="fu.chart",
    )
    return [image]


def comparison_lines(comparison: RatingComparison) -> list[str]:
    """Which ratings went up and down between two reflections (mrkdwn, escaped)."""
    lines = [
        say.COMPARED.format(
            before=day_name(comparison.before_on), after=day_name(comparison.after_on)
        )
    ]
    if comparison.improved:
        lines.append(say.HIGHER.format(items=_items(comparison.improved)))
    if comparison.lowered:
        lines.append(say.LOWER.format(items=_items(comparison.lowered)))
    if not comparison.improved and not comparison.lowered:
        lines.append(say.NO_CHANGE)
    same = sum(1 for c in comparison.changes if c.delta == 0)
    once = sum(1 for c in comparison.changes if c.delta is None)
    if same:
        lines.append(say.UNCHANGED.format(count=same))
    if once:
        lines.append(say.RATED_ONCE.format(count=once))
    return lines


def _items(changes: list[RatingChange]) -> str:
    return "; ".join(
        say.CHANGE_ITEM.format(
            attribute_id=c.attribute.id,
            short_name=escape(c.attribute.short_name),
            before=c.before,
            after=c.after,
        )
        for c in changes
    )


def _since(progress: ProgressView) -> str | None:
    if progress.timeline:
        return day_name(progress.timeline[-1].day)
    return day_name(progress.confirmed_on) if progress.confirmed_on else None
