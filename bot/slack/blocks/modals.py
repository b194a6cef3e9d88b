"""Modals: a goal for a priority area, and a written reflection on a step."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.coaching.framework import Attribute
from bot.coaching.views import PriorityView, StepView
from bot.slack import ids
from bot.slack.blocks import wording
from bot.slack.blocks.kit import context, section
from bot.slack.blocks.text import MODAL_TITLE, TEXT_INPUT, cut, escape, slack_length


def build_goal_modal(priority: PriorityView, modal: ids.ModalContext) -> dict[str, Any]:
    """A form for the goal of one priority area, holding the current goal if there is one."""
    blocks: list[Block] = [
        _about(priority.attribute),
        _text_input(
            ids.GOAL_BLOCK,
            ids.GOAL_INPUT,
            wording.GOAL_INPUT_LABEL,
            initial=priority.goal,
            optional=True,  # an empty goal clears it
            placeholder=wording.GOAL_PLACEHOLDER,
        ),
    ]
    return _modal(ids.GOAL_MODAL, wording.GOAL_TITLE, blocks, modal)


def build_write_modal(step: StepView, modal: ids.ModalContext) -> dict[str, Any]:
    """A form for a written reflection on the current step, holding what was written before."""
    earlier = step.answer.text if step.answer else ""
    fits = slack_length(earlier) <= TEXT_INPUT
    blocks: list[Block] = [
        _about(step.attribute),
        section(f"*{escape(step.question.text)}*"),
        _text_input(
            ids.WRITE_BLOCK,
            ids.WRITE_INPUT,
            wording.WRITE_INPUT_LABEL,
            initial=earlier if fits else None,
            optional=False,
        ),
    ]
    if not fits:
        blocks.append(context(wording.WRITE_TOO_LONG))
    return _modal(ids.WRITE_MODAL, wording.WRITE_TITLE, blocks, modal)


def _about(attribute: Attribute) -> Block:
    return section(
        wording.GOAL_INTRO.format(
            attribute_id=attribute.id,
            short_name=escape(attribute.short_name),
            statement=escape(attribute.statement),
        )
    )


def _text_input(
    block_id: str,
    action_id: str,
    label: str,
    *,
    initial: str | None,
    optional: bool,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        optional=optional,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=True,
            max_length=TEXT_INPUT,
            initial_value=initial or None,
            placeholder=PlainTextObject(text=cut(placeholder, 150)) if placeholder else None,
        ),
    )


def _modal(callback_id: str, title: str, blocks: list[Block], modal: ids.ModalContext) -> dict:
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=cut(title, MODAL_TITLE)),
        submit=PlainTextObject(text=wording.SAVE),
        close=PlainTextObject(text=wording.CANCEL),
        private_metadata=modal.dumps(),
        blocks=blocks,
    ).to_dict()
