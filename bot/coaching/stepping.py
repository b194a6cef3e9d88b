"""Stepping through a reflection: which attribute and question come next, and how a step looks.

The engine (bot/coaching/engine.py) loads, checks and saves reflections; the Stepper decides,
on the reflection in hand, where the person is: the attribute at the cursor, the stage of the
reflective cycle on it (bot/coaching/cycle.py), and the step a channel shows for it, worded by
the AI coach where one is switched on and its words pass the same checks as the bank's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.coaching import cycle
from bot.coaching.assist import ModelCoach
from bot.coaching.errors import InvalidInput, StaleAction
from bot.coaching.framework import Attribute, Framework, Question, QuestionBank
from bot.coaching.models import Answer, Mode, Reflection, Stage, Status
from bot.coaching.ports import Clock, Retriever
from bot.coaching.views import ResumeInfo, StepView

logger = logging.getLogger(__name__)


class Stepper:
    """Where a reflection is, and what its current step shows."""

    def __init__(
        self,
        *,
        framework: Framework,
        questions: QuestionBank,
        texts: Mapping[str, str],
        retriever: Retriever,
        clock: Clock,
        assist: ModelCoach | None,
    ) -> None:
        self.framework = framework
        self.questions = questions
        self.texts = texts
        self.retriever = retriever
        self.clock = clock
        self.assist = assist

    # -- where the person is -------------------------------------------------------------------

    def answer(self, reflection: Reflection, attribute_id: str) -> Answer:
        """The attribute's answer, created on first use; its time of change is now."""
        now = self.clock.now()
        answer = reflection.answers.get(attribute_id)
        if answer is None:
            answer = Answer(attribute_id=attribute_id, updated_at=now)
            reflection.answers[attribute_id] = answer
        if answer.question_id is None:
            answer.question_id = self.question(reflection, attribute_id).id
        answer.updated_at = now
        return answer

    def advance(self, reflection: Reflection) -> bool:
        """Move past a finished attribute; whether every step has now been seen.

        After changing an earlier answer, the person carries on from the first attribute after
        it that is not finished yet.
        """
        current = reflection.current_attribute_id
        if current is not None and not self.is_complete(reflection, current):
            return False
        reflection.cursor = next(
            (
                index
                for index, attribute_id in enumerate(reflection.attribute_ids)
                if index > reflection.cursor and not self.is_complete(reflection, attribute_id)
            ),
            len(reflection.attribute_ids),
        )
        return reflection.cursor == len(reflection.attribute_ids)

    def is_complete(self, reflection: Reflection, attribute_id: str) -> bool:
        """Whether the attribute needs nothing more in this reflection's mode."""
        return cycle.is_complete(reflection.answers.get(attribute_id), reflection.mode)

    def done_count(self, reflection: Reflection) -> int:
        """How many attributes are finished."""
        return sum(1 for a in reflection.attribute_ids if self.is_complete(reflection, a))

    def describe(self, reflection: Reflection, scope_name: str) -> ResumeInfo:
        """A reflection to resume or reopen: its scope, start, progress, in progress or aside."""
        answered = self.done_count(reflection)
        facts = {
            "scope": scope_name,
            "started": reflection.started_at.strftime("%-d %B %Y"),
            "when": reflection.updated_at.strftime("%-d %B %Y"),
            "answered": answered,
            "total": len(reflection.attribute_ids),
        }
        aside = reflection.status == Status.ABANDONED
        return ResumeInfo(
            reflection_id=reflection.id,
            scope=reflection.scope,
            message=self.texts["resume_offer"].format(**facts),
            answered=answered,
            total=len(reflection.attribute_ids),
            line=self.texts["set_aside_line" if aside else "in_progress_line"].format(**facts),
            question=self.texts["unfinished_ask"].format(**facts),
            set_aside=aside,
        )

    def require_current(
        self, reflection: Reflection, attribute_id: str, *, stage: str | None = None
    ) -> None:
        """StaleAction unless the attribute (and `stage`, if named) is where the reflection is."""
        self.require_known(reflection, attribute_id)
        if reflection.current_attribute_id != attribute_id:
            raise StaleAction(
                f"That button belongs to an earlier step ({attribute_id}) you have already "
                "answered. Use Back to change it."
            )
        if stage is not None and stage != self.stage(reflection, attribute_id):
            raise StaleAction(
                f"That question on {attribute_id} is already answered or skipped; "
                "the one asked now is below."
            )

    def require_reached(self, reflection: Reflection, attribute_id: str) -> None:
        """InvalidInput unless the attribute is at or before the cursor."""
        self.require_known(reflection, attribute_id)
        if reflection.attribute_ids.index(attribute_id) > reflection.cursor:
            raise InvalidInput(f"You haven't reached {attribute_id} yet.")

    def require_known(self, reflection: Reflection, attribute_id: str) -> None:
        """InvalidInput unless the attribute is of the framework and of this reflection."""
        if not self.framework.has_attribute(attribute_id):
            raise InvalidInput(f"'{attribute_id}' is not an attribute of the framework.")
        if attribute_id not in reflection.attribute_ids:
            raise InvalidInput(f"{attribute_id} is not part of this reflection.")

    # -- what a step asks ----------------------------------------------------------------------

    def stage(self, reflection: Reflection, attribute_id: str) -> str:
        """The stage asked now at this attribute, or cycle.RATING when only the rating is left."""
        return cycle.pending(reflection.answers.get(attribute_id), reflection.mode) or cycle.RATING

    def question(self, reflection: Reflection, attribute_id: str) -> Question:
        """The offline coach's question at the attribute's current stage."""
        answer = reflection.answers.get(attribute_id)
        stage = self.stage(reflection, attribute_id)
        if stage == cycle.RATING:
            return cycle.rating_question(attribute_id, self.texts)
        return cycle.question_for(self.questions, attribute_id, Stage(stage), answer, self.texts)

    def bank_what(self, reflection: Reflection, attribute_id: str) -> Question:
        """The What the attribute was opened with (for the AI coach's follow-up)."""
        answer = reflection.answers.get(attribute_id)
        return cycle.question_for(self.questions, attribute_id, Stage.WHAT, answer, self.texts)

    def step(self, reflection: Reflection) -> StepView:
        """The current step, its question worded by the AI coach where one is on."""
        step = self.step_at(reflection, reflection.attribute_ids[reflection.cursor])
        if self.assist is None or step.stage not in (Stage.WHAT, Stage.SO_WHAT):
            return step
        if step.question.id.endswith("-what-low"):
            return step  # after a low rating the bank's neutral What is the right one
        if step.stage == Stage.SO_WHAT:
            what = cycle.stage_text(step.answer, Stage.WHAT)
            bank = self.questions.for_stage(step.attribute.id, Stage.SO_WHAT)
            question, notice = self.assist.so_what(
                reflection, step.attribute, what, step.question, bank.text if bank else ""
            )
        else:
            question, notice = self.assist.question(
                reflection, step.attribute, step.context, step.question
            )
        return step.model_copy(update={"question": question, "fallback_notice": notice})

    def step_at(self, reflection: Reflection, attribute_id: str) -> StepView:
        """The offline coach's view of a step: the bank's question, the retrieved context."""
        attribute = self.framework.attribute(attribute_id)
        domain = self.framework.domain(attribute.domain_id)
        stage = self.stage(reflection, attribute.id)
        stages = cycle.STAGES[reflection.mode]
        return StepView(
            reflection_id=reflection.id,
            attribute=attribute,
            domain_name=domain.name,
            lead_in=domain.lead_in,
            position=attribute.position,
            domain_size=len(domain.attributes),
            index=reflection.attribute_ids.index(attribute.id),
            total=len(reflection.attribute_ids),
            context=self._context(attribute),
            question=self.question(reflection, attribute.id),
            rating_question=self.questions.rating_question,
            rating_scale=self.questions.rating_scale,
            answer=reflection.answers.get(attribute.id),
            can_go_back=reflection.cursor > 0,
            mode=reflection.mode,
            stage=stage,
            stage_label=self.texts.get(f"stage_{stage}") if len(stages) > 1 else None,
            stage_number=stages.index(Stage(stage)) + 1 if stage in stages else 0,
            stage_count=len(stages),
        )

    def _context(self, attribute: Attribute) -> str | None:
        try:
            passage = self.retriever.context_for(attribute)
        except Exception:  # retrieval is an aid: a step is still useful without it
            logger.exception("context retrieval failed for %s", attribute.id)
            return None
        return passage.text if passage else None


def mode_of(value: Mode | str) -> Mode:
    """A mode from its name; InvalidInput names the choices."""
    try:
        return Mode(value)
    except ValueError:
        choices = ", ".join(m.value for m in Mode)
        raise InvalidInput(
            f"'{value}' is not a way to reflect. Choose one of: {choices}."
        ) from None
