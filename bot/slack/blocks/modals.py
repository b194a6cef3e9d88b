"""Modals: a goal, a written reflection, the patient-data warning, the role, short notices."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.coaching.assist import MAX_ROLE_CHARS
from bot.coaching.errors import PatientDataWarning
from bot.coaching.framework import Attribute
from bot.coaching.views import PriorityView, StepView
from bot.slack import ids
from bot.slack.blocks import wording
from bot.slack.blocks.kit import context, section
from bot.slack.blocks.notes import patient_data_blocks
from bot.slack.blocks.text import MODAL_TITLE, TEXT_INPUT, cut, escape, mrkdwn, slack_length


def build_goal_modal(
    priority: PriorityView, modal: ids.ModalContext, *, initial: str | None = None
) -> dict[str, Any]:
    """A form for the goal of one priority area, holding the current goal (or `initial`)."""
    blocks: list[Block] = [
        _about(priority.attribute),
        _text_input(
            ids.GOAL_BLOCK,
            ids.GOAL_INPUT,
            wording.GOAL_INPUT_LABEL,
            initial=initial if initial is not None else priority.goal,
            optional=True,  # an empty goal clears it
            placeholder=wording.GOAL_PLACEHOLDER,
        ),
    ]
    return _modal(ids.GOAL_MODAL, wording.GOAL_TITLE, blocks, modal)


def build_write_modal(
    step: StepView, modal: ids.ModalContext, *, initial: str | None = None
) -> dict[str, Any]:
    """A form for words on the question the step asks; they are added to what was written.

    `initial` is text to edit (what the person submitted, back from the patient-data warning).
    """
    fits = initial is None or slack_length(initial) <= TEXT_INPUT
    blocks: list[Block] = [
        _about(step.attribute),
        section(f"*{escape(step.question.text)}*"),
        _text_input(
            ids.WRITE_BLOCK,
            ids.WRITE_INPUT,
            wording.WRITE_INPUT_LABEL,
            initial=initial if fits else None,
            optional=False,
        ),
    ]
    if not fits:
        blocks.append(context(wording.WRITE_TOO_LONG))
    return _modal(ids.WRITE_MODAL, wording.WRITE_TITLE, blocks, modal)


def build_patient_data_modal(
    warning: PatientDataWarning, pending_id: str, modal: ids.ModalContext
) -> dict[str, Any]:
    """The form turned into the warning: what was found, the preview, and the three choices."""
    blocks = patient_data_blocks(warning, pending_id, edit_label=wording.EDIT_FORM_LABEL)
    return _view(wording.PATIENT_DATA_TITLE, blocks, metadata=modal.dumps())


def build_notice_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (loading, saved, a problem), with a Close button."""
    return _view(title, [section(mrkdwn(text, 2_000))])


def build_loading_modal() -> dict[str, Any]:
    """Opened at once (a trigger lasts 3 seconds) while the AI coach gets the step ready."""
    return _view(wording.LOADING_TITLE, [section(wording.LOADING)])


def build_role_modal(origin: ids.MessageRef) -> dict[str, Any]:
    """A form for the person's role, for the AI coach; names are asked not to be given."""
    blocks: list[Block] = [
        section(wording.ROLE_PROMPT),
        InputBlock(
            block_id=ids.ROLE_BLOCK,
            label=PlainTextObject(text=wording.ROLE_INPUT_LABEL),
            element=PlainTextInputElement(
                action_id=ids.ROLE_INPUT,
                max_length=MAX_ROLE_CHARS,
                placeholder=PlainTextObject(text=wording.ROLE_PLACEHOLDER),
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.ROLE_MODAL,
        title=PlainTextObject(text=cut(wording.ROLE_TITLE, MODAL_TITLE)),
        submit=PlainTextObject(text=wording.SAVE),
        close=PlainTextObject(text=wording.CANCEL),
        private_metadata=origin.dumps(),
        blocks=blocks,
    ).to_dict()


def _view(title: str, blocks: list[Block], *, metadata: str = "") -> dict[str, Any]:
    return View(
        type="modal",
        title=PlainTextObject(text=cut(title, MODAL_TITLE)),
        close=PlainTextObject(text=wording.CLOSE),
        private_metadata=metadata or None,
        blocks=blocks,
    ).to_dict()


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
