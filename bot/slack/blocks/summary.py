"""The priority areas at the end of a reflection, with the controls to shape them."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.coaching.views import PriorityView, SummaryView
from bot.slack import ids
from bot.slack.blocks import wording
from bot.slack.blocks.kit import actions, button, context, header, section, select, to_dicts
from bot.slack.blocks.step import notice_blocks
from bot.slack.blocks.text import (
    BLOCKS_BUDGET,
    MESSAGE_TEXT,
    SECTION_TEXT,
    Message,
    cut,
    escape,
    mrkdwn,
    share,
)

NOTE_CHARS = 1_500
MAX_SHOWN = 10  # 2 blocks each; more would crowd the message past Slack's size limits
SWAP_OPTIONS = 5  # the best candidates, as the engine orders them
CONTROL_CHARS = 250  # roughly what one priority's buttons and menu options add
OFFER_CHARS = 600  # each of the two offers: the coach's suggestions, the skipped attributes
MAX_RETURNS = 5  # buttons back to skipped attributes; the note names them all


def build_summary_message(summary: SummaryView) -> Message:
    """Each priority area (rationale quoting the person, goal) with goal, drop and swap."""
    title = wording.SUMMARY_CONFIRMED_TITLE if summary.confirmed else wording.SUMMARY_TITLE
    blocks: list[Block] = [
        header(title),
        *notice_blocks(summary),
        section(mrkdwn(summary.domain_note, NOTE_CHARS)),
        *_offer_blocks(summary),
    ]
    shown = summary.priorities[:MAX_SHOWN]
    budget = BLOCKS_BUDGET - NOTE_CHARS - 2 * OFFER_CHARS - CONTROL_CHARS * len(shown)
    chars = share(budget, len(shown), floor=300, ceiling=SECTION_TEXT)
    for priority in shown:
        blocks.append(section(priority_text(priority, chars), block_id=f"priority.{priority.rank}"))
        blocks.append(actions(_priority_controls(summary, priority)))
    hidden = len(summary.priorities) - len(shown)
    if hidden:
        blocks.append(context(wording.MORE_PRIORITIES.format(count=hidden)))
    hint = wording.SUMMARY_CONFIRMED_HINT if summary.confirmed else wording.SUMMARY_HINT
    blocks.append(context(hint))
    if not summary.confirmed:
        blocks.append(actions(_summary_controls(summary), block_id="summary.controls"))
    return Message(text=_text(summary), blocks=to_dicts(blocks))


def priority_text(priority: PriorityView, chars: int) -> str:
    """A priority area in mrkdwn: name, the reasons (which quote the person) and the goal."""
    attribute = priority.attribute
    line = wording.PRIORITY_LINE.format(
        rank=priority.rank,
        attribute_id=attribute.id,
        short_name=escape(attribute.short_name),
        domain=escape(priority.domain_name),
    )
    half = max(100, (chars - len(line)) // 2)
    goal = (
        wording.GOAL_LINE.format(goal=mrkdwn(priority.goal, half))
        if priority.goal
        else wording.NO_GOAL
    )
    return cut(f"{line}\n{mrkdwn(priority.rationale, half)}\n{goal}", chars)


def _offer_blocks(summary: SummaryView) -> list[Block]:
    """The coach's suggestions (added from the menu below) and the skipped attributes."""
    offers = summary.offers
    blocks: list[Block] = []
    if offers.suggested_note:
        blocks.append(section(mrkdwn(offers.suggested_note, OFFER_CHARS)))
    if offers.skipped_note:
        blocks.append(section(mrkdwn(offers.skipped_note, OFFER_CHARS)))
        returns = [
            button(
                wording.RETURN.format(attribute_id=a.id),
                ids.per_attribute("return", a.id),
                ids.pack(summary.reflection_id, a.id),
                wording.RETURN_LABEL.format(attribute_id=a.id, short_name=a.short_name),
            )
            for a in offers.skipped[:MAX_RETURNS]
        ]
        blocks.append(actions(returns, block_id="summary.skipped"))
    return blocks


def _priority_controls(summary: SummaryView, priority: PriorityView) -> list[Any]:
    attribute_id = priority.attribute.id
    value = ids.pack(summary.reflection_id, attribute_id)
    goal_text = wording.CHANGE_GOAL if priority.goal else wording.ADD_GOAL
    controls: list[Any] = [
        button(
            goal_text,
            ids.per_attribute("goal", attribute_id),
            value,
            wording.GOAL_LABEL.format(attribute_id=attribute_id),
        )
    ]
    if summary.confirmed:
        return controls
    controls.append(
        button(
            wording.DROP,
            ids.per_attribute("drop", attribute_id),
            value,
            wording.DROP_LABEL.format(attribute_id=attribute_id),
        )
    )
    if summary.candidates:
        options = [
            (_option_label(c.id, c.short_name), ids.pack(summary.reflection_id, attribute_id, c.id))
            for c in summary.candidates[:SWAP_OPTIONS]
        ]
        controls.append(select(wording.SWAP, ids.per_attribute("swap", attribute_id), options))
    return controls


def _summary_controls(summary: SummaryView) -> list[Any]:
    controls: list[Any] = []
    if summary.priorities:
        controls.append(
            button(
                wording.CONFIRM,
                ids.CONFIRM,
                summary.reflection_id,
                wording.CONFIRM_LABEL,
                style="primary",
            )
        )
    addable = summary.offers.suggested + [
        c for c in summary.candidates if c not in summary.offers.suggested
    ]  # the coach's own suggestions first, from any domain
    if addable:
        options = [
            (_option_label(a.id, a.short_name), ids.pack(summary.reflection_id, a.id))
            for a in addable
        ]
        controls.append(select(wording.ADD_PRIORITY, ids.ADD, options))
    back_value = ids.pack(summary.reflection_id, ids.FROM_SUMMARY)
    controls.append(button(wording.BACK, ids.BACK, back_value, wording.SUMMARY_BACK_LABEL))
    return controls


def _option_label(attribute_id: str, short_name: str) -> str:
    return wording.SWAP_OPTION.format(attribute_id=attribute_id, short_name=short_name)


def _text(summary: SummaryView) -> str:
    if not summary.priorities:
        return wording.SUMMARY_NONE_TEXT
    names = "; ".join(f"{p.attribute.id} {p.attribute.short_name}" for p in summary.priorities)
    return mrkdwn(wording.SUMMARY_TEXT.format(names=names), MESSAGE_TEXT)
