"""The optional language model's part in coaching, always with the offline coach to fall back on.

Every call goes through `_call`: the person's daily budget is checked, the model is called (it
only ever receives redacted text and nothing that identifies the person), and any failure
becomes a notice for the person that nothing was lost, and a log line that holds no text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TypeVar

from bot.coaching import drafts, guard
from bot.coaching import priorities as ranking
from bot.coaching.framework import Attribute, Framework, Question
from bot.coaching.models import Person, Reflection, Stage, Summary
from bot.coaching.ports import (
    AskRequest,
    CallBudget,
    Clock,
    CoachMemory,
    CoachModel,
    DraftAnswer,
    EarlierAnswer,
    FollowUpRequest,
    ModelUnavailable,
    Passage,
    QuestionRequest,
    SoWhatRequest,
    SummaryRequest,
)
from bot.coaching.presupposing import presupposition

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_EARLIER_ANSWERS = 8
MAX_EARLIER_CHARS = 600
MAX_ROLE_CHARS = 120
PERSONALISED = "personalised"  # the stage of a question the model wrote


class Fallback(Exception):
    """The model did not help; `notice` tells the person why and that nothing was lost."""

    def __init__(self, notice: str) -> None:
        super().__init__(notice)
        self.notice = notice


class ModelCoach:
    """Personalised questions, follow-ups, summaries and answers, each checked before use."""

    def __init__(
        self,
        *,
        model: CoachModel,
        budget: CallBudget,
        memory: CoachMemory,
        framework: Framework,
        texts: Mapping[str, str],
        clock: Clock,
    ) -> None:
        self.model = model
        self.budget = budget
        self.memory = memory
        self.framework = framework
        self.texts = texts
        self.clock = clock

    # -- the person's role ------------------------------------------------------------------

    def role_question(self, person: Person) -> str | None:
        """The optional role question, until the person has answered or declined it once."""
        return self.texts["role_question"] if self.memory.role_of(person) is None else None

    def set_role(self, person: Person, role: str) -> None:
        """Remember the role ("" declines); patient data in it is redacted, never kept."""
        self.memory.set_role(person, guard.redact(" ".join(role.split()))[:MAX_ROLE_CHARS])

    def _role(self, person: Person) -> str | None:
        return self.memory.role_of(person) or None

    # -- questions ----------------------------------------------------------------------------

    def question(
        self, reflection: Reflection, attribute: Attribute, context: str | None, bank: Question
    ) -> tuple[Question, str | None]:
        """A personalised question for this step (remembered), or the bank's and a notice."""
        said = self.memory.recall(reflection.id, attribute.id, "question")
        if said is not None:
            return _personalised(bank, said), None
        request = QuestionRequest(
            attribute_id=attribute.id,
            statement=attribute.statement,
            context=context,
            role=self._role(reflection.person),
            earlier=self._earlier(reflection, exclude=attribute.id),
            bank_question=bank.text,
        )
        try:
            text = self._call(reflection.person, "question", lambda: self.model.question(request))
            question = self._checked(_asked_fairly(text, Stage.WHAT), "question")
        except Fallback as fallback:
            return bank, fallback.notice
        self.memory.remember(reflection.id, attribute.id, "question", question)
        return _personalised(bank, question), None

    def so_what(
        self, reflection: Reflection, attribute: Attribute, what: str, offline: Question, bank: str
    ) -> tuple[Question, str | None]:
        """A So-what question written from the person's What (remembered), or the offline one.

        It passes the checks the bank's questions pass: one short question that refers only to
        what the person described (bot/coaching/presupposing.py).
        """
        said = self.memory.recall(reflection.id, attribute.id, Stage.SO_WHAT)
        if said is not None:
            return _personalised(offline, said), None
        redacted = guard.redact(what)[:MAX_EARLIER_CHARS]
        request = SoWhatRequest(
            attribute_id=attribute.id,
            statement=attribute.statement,
            role=self._role(reflection.person),
            what=redacted,
            bank_question=bank,
        )
        try:
            text = self._call(reflection.person, "so_what", lambda: self.model.so_what(request))
            question = self._checked(_asked_fairly(text, Stage.SO_WHAT, redacted), "so_what")
        except Fallback as fallback:
            return offline, fallback.notice
        self.memory.remember(reflection.id, attribute.id, Stage.SO_WHAT, question)
        return _personalised(offline, question), None

    def follow_up(self, reflection: Reflection, attribute_id: str, bank: str) -> str | None:
        """At most one follow-up per attribute, and only for a short or vague answer."""
        answer = reflection.answers.get(attribute_id)
        if answer is None or not drafts.needs_follow_up(answer.text):
            return None
        if self.memory.recall(reflection.id, attribute_id, "follow_up") is not None:
            return None
        request = FollowUpRequest(
            attribute_id=attribute_id,
            statement=self.framework.attribute(attribute_id).statement,
            question=self.memory.recall(reflection.id, attribute_id, "question") or bank,
            answer=guard.redact(answer.text),
            role=self._role(reflection.person),
        )
        try:
            text = self._call(reflection.person, "follow_up", lambda: self.model.follow_up(request))
            follow_up = self._checked(drafts.clean_question(text), "follow_up")
        except Fallback:
            return None  # the offline coach asks no follow-ups: the step goes on as usual
        self.memory.remember(reflection.id, attribute_id, "follow_up", follow_up)
        return follow_up

    # -- the summary ----------------------------------------------------------------------------

    def summary(self, reflection: Reflection, offline: Summary) -> tuple[Summary, str | None]:
        """Model-worded priorities that pass every check, else the offline summary and a notice."""
        ranked = [p.attribute_id for p in offline.priorities] + offline.candidates
        if not ranked:
            return offline, None
        count = len(offline.priorities)
        request = SummaryRequest(
            answers=self._earlier(reflection, limit=len(reflection.attribute_ids)),
            role=self._role(reflection.person),
            count=count,
            suggested=tuple(ranked),
        )
        try:
            draft = self._call(reflection.person, "summary", lambda: self.model.summary(request))
            kept = drafts.validate_summary(draft, reflection, self.framework, self.texts, count)
            self._checked(kept or None, "summary")
        except Fallback as fallback:
            return offline, fallback.notice
        return self._repaired(reflection, offline, kept, ranked), None

    def _repaired(
        self, reflection: Reflection, offline: Summary, kept: list, ranked: list[str]
    ) -> Summary:
        """Fill any gap left by rejected priorities from the offline ranking."""
        chosen = {p.attribute_id for p in kept}
        fill = [p for p in offline.priorities if p.attribute_id not in chosen]
        priorities = (kept + fill)[: len(offline.priorities)]
        ids = [p.attribute_id for p in priorities]
        return offline.model_copy(
            update={
                "priorities": priorities,
                "candidates": [a for a in ranked if a not in ids],
                "domain_note": ranking.domain_note(reflection, ids, self.framework, self.texts),
            }
        )

    # -- questions about the framework -------------------------------------------------------

    def answer(
        self, person: Person, question: str, passages: list[Passage]
    ) -> tuple[str, list[str]]:
        """A grounded answer and the attribute ids it cites; Fallback when it can't be had."""
        request = AskRequest(question=question, passages=tuple(passages))
        draft: DraftAnswer = self._call(person, "ask", lambda: self.model.answer(request))
        if draft.declined:
            return self.texts["ask_off_topic"], []
        return self._checked(drafts.validate_answer(draft, passages), "ask")

    # -- internals ----------------------------------------------------------------------------

    def _call(self, person: Person, purpose: str, call: Callable[[], T]) -> T:
        if not self.budget.take(person, self.clock.now().date()):
            logger.info("model %s skipped: the person's daily call limit is reached", purpose)
            raise Fallback(self.texts["model_limit_reached"])
        try:
            return call()
        except ModelUnavailable as error:
            logger.warning("model %s fell back to the offline coach: %s", purpose, error.reason)
        except Exception as error:  # an aid must never break a step; log no message (no text)
            logger.warning("model %s failed unexpectedly: %s", purpose, type(error).__name__)
        raise Fallback(self.texts["model_fallback"])

    def _checked(self, value: T | None, purpose: str) -> T:
        """The validated value, or a Fallback when the model's output failed the checks."""
        if value is None:
            logger.warning("model %s fell back to the offline coach: output failed checks", purpose)
            raise Fallback(self.texts["model_fallback"])
        return value

    def _earlier(
        self, reflection: Reflection, *, exclude: str | None = None, limit: int = 0
    ) -> tuple[EarlierAnswer, ...]:
        answered = [
            EarlierAnswer(
                attribute_id=attribute_id,
                statement=self.framework.attribute(attribute_id).statement,
                rating=answer.rating,
                text=guard.redact(answer.text)[:MAX_EARLIER_CHARS],
            )
            for attribute_id in reflection.attribute_ids
            if attribute_id != exclude
            and (answer := reflection.answers.get(attribute_id)) is not None
            and (answer.rating is not None or answer.text.strip())
        ]
        return tuple(answered[-(limit or MAX_EARLIER_ANSWERS) :])


def _asked_fairly(text: str, stage: Stage, said: str = "") -> str | None:
    """The model's question if it is one short question that presupposes nothing unsaid."""
    question = drafts.clean_question(text)
    if question is None or presupposition(question, stage, said) is not None:
        return None
    return question


def _personalised(bank: Question, text: str) -> Question:
    return bank.model_copy(update={"text": text, "stage": PERSONALISED})
