"""One attribute per message: the step with its buttons, and what it becomes once answered."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import Block, ButtonElement

from bot.coaching.framework import Attribute, Domain
from bot.coaching.models import Mode
from bot.coaching.views import ResumeInfo, StepView
from bot.slack import ids
from bot.slack.blocks import wording
from bot.slack.blocks.intro import resume_button
from bot.slack.blocks.kit import actions, button, context, header, section, to_dicts
from bot.slack.blocks.text import MESSAGE_TEXT, Message, cut, escape, mrkdwn

EARLIER_TEXT_CHARS = 1_500


def heading_of(attribute: Attribute, domain: Domain) -> str:
    """Domain and position, e.g. 'Improvement 3 of 10' (as StepView.heading)."""
    return f"{domain.name} {attribute.position} of {len(domain.attributes)}"


def build_step_message(step: StepView, texts: Mapping[str, str]) -> Message:
    """Heading, statement verbatim, context, question, rating buttons and the other actions.

    `texts` is what the coach says (prompts/coach.yaml): the reflective cycle's controls.
    """
    blocks: list[Block] = [header(step.heading, block_id="step.header")]
    if step.total != step.domain_size:
        blocks.append(context(wording.STEP_OVERALL.format(number=step.index + 1, total=step.total)))
    blocks.extend(notice_blocks(step))
    if step.index == 0:  # the way of reflecting is chosen at the start, with one click
        blocks.append(context(texts[f"slack_mode_{step.mode.value}"]))
    blocks.append(_statement(step.attribute, step.domain_name, step.lead_in))
    if step.context:
        blocks.append(context(f"_{escape(step.context)}_"))
    blocks.append(_question(step))
    blocks.extend(_earlier_answer(step))
    blocks.extend(_answering(step, texts))
    text = f"{step.heading}: {step.attribute.statement} {step.question.text}"
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_stage_message(step: StepView, texts: Mapping[str, str]) -> Message:
    """The next question on the same attribute (or its rating), without the statement again."""
    blocks: list[Block] = [*notice_blocks(step), _question(step), *_answering(step, texts)]
    text = f"{step.attribute.id}: {step.question.text}"
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def _question(step: StepView) -> Block:
    question = f"*{escape(step.question.text)}*"
    if not step.stage_label:
        return section(question)
    label = f"*{escape(step.stage_label)}* ({step.stage_number} of {step.stage_count})"
    return section(f"{label}\n{question}")


def _answering(step: StepView, texts: Mapping[str, str]) -> list[Block]:
    """How to answer, the rating buttons and the step's other actions."""
    if step.mode == Mode.QUICK:
        hint = wording.STEP_REPLY_HINT
    else:
        hint = texts["slack_rating_hint" if step.waits_for_rating else "slack_stage_hint"]
    blocks: list[Block] = [context(hint)]
    if not step.waits_for_rating:
        blocks.append(section(escape(step.rating_question)))
    blocks.append(actions(_rating_buttons(step), block_id="step.rate"))
    blocks.append(actions(_step_buttons(step, texts), block_id="step.more"))
    return blocks


def build_step_outcome_message(attribute: Attribute, domain: Domain, outcome: str) -> Message:
    """An answered step, its buttons gone: heading, statement and what the person chose."""
    heading = heading_of(attribute, domain)
    blocks = [
        header(heading, block_id="step.header"),
        _statement(attribute, domain.name, domain.lead_in),
        context(outcome),
    ]
    text = wording.STEP_DONE_TEXT.format(heading=escape(heading), outcome=outcome)
    return Message(text=cut(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_paused_message(attribute: Attribute, domain: Domain, info: ResumeInfo) -> Message:
    """A paused step: everything is saved; one button to resume."""
    outcome = wording.PAUSED.format(message=escape(info.message))
    done = build_step_outcome_message(attribute, domain, outcome)
    blocks = [*done.blocks, *to_dicts([actions([resume_button(info.reflection_id)])])]
    return Message(text=done.text, blocks=blocks)


def notice_blocks(view: object) -> list[Block]:
    """The AI coach's note that it fell back to the offline coach, if the view carries one."""
    notice = getattr(view, "fallback_notice", None)  # a newer field of StepView / SummaryView
    return [context(f"_{escape(notice)}_")] if notice else []


def rated(rating: int, label: str) -> str:
    """What an answered step says about its rating."""
    return wording.RATED.format(rating=rating, label=escape(label))


def rated_earlier(rating: int, label: str) -> str:
    """What a revisited step says about the earlier rating."""
    return wording.EARLIER_RATING.format(rating=rating, label=escape(label))


def _statement(attribute: Attribute, domain_name: str, lead_in: str) -> Block:
    return section(
        f"_{escape(domain_name)}: {escape(lead_in)}_\n*{escape(attribute.statement)}*",
        block_id="step.statement",
    )


def _earlier_answer(step: StepView) -> list[Block]:
    answer = step.answer
    if answer is None:
        return []
    parts = []
    if answer.rating is not None:
        label = next(lv.label for lv in step.rating_scale if lv.value == answer.rating)
        parts.append(rated_earlier(answer.rating, label))
    if answer.text.strip():
        parts.append(f"{wording.EARLIER_TEXT}\n>{mrkdwn(answer.text, EARLIER_TEXT_CHARS)}")
    return [section("\n".join(parts))] if parts else []


def _rating_buttons(step: StepView) -> list[ButtonElement]:
    chosen = step.answer.rating if step.answer else None
    return [
        button(
            f"{level.value} · {level.label}",
            ids.rate(level.value),
            ids.pack(step.reflection_id, step.attribute.id, str(level.value)),
            wording.RATE_LABEL.format(rating=level.value, label=level.label),
            style="primary" if level.value == chosen else None,
        )
        for level in step.rating_scale
    ]


def _step_buttons(step: StepView, texts: Mapping[str, str]) -> list[ButtonElement]:
    value = ids.pack(step.reflection_id, step.attribute.id)
    attribute_id = step.attribute.id
    buttons = [
        button(
            wording.WRITE, ids.WRITE, value, wording.WRITE_LABEL.format(attribute_id=attribute_id)
        )
    ]
    if step.mode == Mode.DEEP and not step.waits_for_rating:
        label = texts["slack_skip_question_label"].format(attribute_id=attribute_id)
        asked = ids.pack(step.reflection_id, attribute_id, step.stage)  # only that question
        buttons.append(button(texts["slack_skip_question"], ids.SKIP_QUESTION, asked, label))
    buttons.append(
        button(wording.SKIP, ids.SKIP, value, wording.SKIP_LABEL.format(attribute_id=attribute_id))
    )
    if step.can_go_back:
        buttons.append(button(wording.BACK, ids.BACK, value, wording.BACK_LABEL))
    other = Mode.QUICK if step.mode == Mode.DEEP else Mode.DEEP
    buttons.append(
        button(
            texts[f"slack_go_{other.value}"],
            ids.mode(other.value),
            value,
            texts[f"slack_go_{other.value}_label"],
        )
    )
    buttons.append(button(wording.PAUSE, ids.PAUSE, value, wording.PAUSE_LABEL))
    return buttons
