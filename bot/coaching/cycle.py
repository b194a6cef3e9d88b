"""The reflective cycle on one attribute: What? So what? Now what? (Rolfe et al. 2001).

Per attribute a short conversation, each part skippable. The What asks for a description of a
recent situation (after a low rating, what gets in the way: it presupposes nothing); the So what
is built on what the person wrote there; the Now what asks what they will do next. So what and
Now what are shown only after a What answer: without one they would have nothing to stand on.
A quick reflection asks the rating and the What alone; a deep one all three. The rating may come
before or after the words.

Every word is kept: each reply is a part of the answer, tagged with its stage (and, from Slack,
the DM it came in, so an edit replaces it and a deletion removes it); a further reply on a stage
already answered is added to it. Pure functions over an Answer: no storage, no channel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from bot.coaching.framework import Question, QuestionBank
from bot.coaching.models import Answer, AnswerPart, Mode, Stage

STAGES: dict[Mode, tuple[Stage, ...]] = {
    Mode.QUICK: (Stage.WHAT,),
    Mode.DEEP: (Stage.WHAT, Stage.SO_WHAT, Stage.NOW_WHAT),
}
ORDER = {stage: index for index, stage in enumerate(STAGES[Mode.DEEP])}
EXCERPT_CHARS = 140
RATING = "rating"  # the stage name of a step that only waits for the rating


def written(answer: Answer | None) -> list[Stage]:
    """The stages the person wrote something at, in cycle order."""
    if answer is None:
        return []
    if not answer.parts:  # stored before the cycle: all of it is the What
        return [Stage.WHAT] if answer.text.strip() else []
    found = {part.stage for part in answer.parts if part.text.strip()}
    return sorted(found, key=ORDER.__getitem__)


def pending(answer: Answer | None, mode: Mode) -> Stage | None:
    """The stage whose question is asked now, or None when only the rating (or nothing) is left."""
    done = set(written(answer)) | set(answer.skipped_stages if answer else ())
    for stage in STAGES[mode]:
        if stage in done:
            continue
        if stage != Stage.WHAT and Stage.WHAT not in written(answer):
            return None  # So what and Now what build on a What answer
        return stage
    return None


def is_complete(answer: Answer | None, mode: Mode) -> bool:
    """Whether the attribute needs nothing more: skipped, or rated with the cycle passed.

    A quick reflection moves on at the rating: its one question comes with the rating.
    """
    if answer is None:
        return False
    if answer.skipped:
        return True
    return answer.rating is not None and (mode == Mode.QUICK or pending(answer, mode) is None)


def add_words(
    answer: Answer, text: str, *, mode: Mode, source: str | None, now: datetime
) -> tuple[Stage, bool]:
    """Add a reply to the answer: (the stage it went to, whether it was added to earlier words)."""
    _keep_legacy_text(answer)
    stage = pending(answer, mode)
    if stage is None:  # every question passed: the words join the last stage written
        stage = (written(answer) or [Stage.WHAT])[-1]
    added = stage in written(answer)
    if stage in answer.skipped_stages:
        answer.skipped_stages.remove(stage)
    answer.parts.append(AnswerPart(stage=stage, text=text, source=source, added_at=now))
    _join(answer)
    return stage, added


def skip_stage(answer: Answer, mode: Mode) -> Stage | None:
    """Skip the question asked now; the stage skipped, or None when none was asked."""
    stage = pending(answer, mode)
    if stage is not None:
        answer.skipped_stages.append(stage)
    return stage


def skip_attribute(answer: Answer, mode: Mode) -> None:
    """Move on from the attribute: unrated if it has no rating, its open questions skipped."""
    if answer.rating is None:
        answer.skipped = True
    while (stage := pending(answer, mode)) is not None:
        answer.skipped_stages.append(stage)


def replace_words(answer: Answer, source: str, text: str) -> bool:
    """An edited message: its part takes the new text; whether the answer held that message."""
    found = [part for part in answer.parts if part.source == source]
    for part in found:
        part.text = text
    _join(answer)
    return bool(found)


def remove_words(answer: Answer, source: str) -> bool:
    """A deleted message: its part goes; whether the answer held that message."""
    kept = [part for part in answer.parts if part.source != source]
    removed = len(kept) != len(answer.parts)
    answer.parts = kept
    _join(answer)
    return removed


def stage_text(answer: Answer | None, stage: Stage) -> str:
    """Everything written at one stage, in the order it was sent."""
    if answer is None:
        return ""
    if not answer.parts:
        return answer.text if stage == Stage.WHAT else ""
    return "\n\n".join(p.text for p in answer.parts if p.stage == stage and p.text.strip())


def question_for(
    bank: QuestionBank,
    attribute_id: str,
    stage: Stage,
    answer: Answer | None,
    texts: Mapping[str, str],
) -> Question:
    """The offline coach's question at a stage; a So what quotes the person's own What."""
    rating = answer.rating if answer else None
    low = rating is not None and rating <= bank.low_rating_at_most and bank.low_rating_what
    if stage == Stage.WHAT and low:
        return Question(
            id=f"{attribute_id}-what-low",
            attribute_id=attribute_id,
            stage=stage,
            text=bank.low_rating_what,
        )
    question = bank.for_stage(attribute_id, stage)
    if question is None:
        raise KeyError(f"the question bank has no {stage} question for {attribute_id}")
    if stage == Stage.SO_WHAT:
        lead = texts["so_what_lead"].format(excerpt=excerpt(stage_text(answer, Stage.WHAT)))
        return question.model_copy(update={"text": f"{lead} {question.text}"})
    return question


def rating_question(attribute_id: str, texts: Mapping[str, str]) -> Question:
    """What a step asks once its questions are passed and only the rating is left."""
    return Question(
        id=f"{attribute_id}-rating",
        attribute_id=attribute_id,
        stage=RATING,
        text=texts["rating_now"],
    )


def excerpt(text: str) -> str:
    """The first sentence of what the person wrote, cut at a word if it is long."""
    flat = " ".join(text.split())
    first = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0]
    if len(first) <= EXCERPT_CHARS:
        return first
    return first[:EXCERPT_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _keep_legacy_text(answer: Answer) -> None:
    """An answer stored before the cycle keeps its text as its What part."""
    if answer.text.strip() and not answer.parts:
        answer.parts.append(
            AnswerPart(stage=Stage.WHAT, text=answer.text, added_at=answer.updated_at)
        )


def _join(answer: Answer) -> None:
    """The answer's text: every part, stage by stage, each in the order it was sent."""
    parts = sorted(answer.parts, key=lambda p: ORDER[p.stage])  # sorted() is stable
    answer.text = "\n\n".join(p.text for p in parts if p.text.strip())
