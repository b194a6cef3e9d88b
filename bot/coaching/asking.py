"""`ask`: questions about the framework, answered from its own passages, with or without a model.

Clinical questions and questions the framework has nothing on are declined, politely and briefly,
before any model is called. Offline (or when the model fails) the answer is the best-matching
framework passages; with a model, an answer worded from those passages that cites only them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.coaching import drafts, guard
from bot.coaching.assist import Fallback, ModelCoach
from bot.coaching.errors import InvalidInput
from bot.coaching.framework import Framework
from bot.coaching.models import Person
from bot.coaching.ports import Passage, Retriever
from bot.coaching.views import AskView, Citation

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1_000
PASSAGES = 3


def answer(
    question: str,
    *,
    framework: Framework,
    retriever: Retriever,
    texts: Mapping[str, str],
    assist: ModelCoach | None,
    person: Person,
) -> AskView:
    """The answer to one question about the framework (the question is never stored)."""
    question = " ".join(question.split())
    if not question:
        raise InvalidInput(texts["ask_empty"])
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidInput(f"Please keep a question under {MAX_QUESTION_CHARS:,} characters.")
    question = guard.redact(question)
    if drafts.is_clinical(question):
        return AskView(answer=texts["ask_clinical"], citations=[], declined=True)
    passages = _search(retriever, question)
    if not passages:
        return AskView(answer=texts["ask_off_topic"], citations=[], declined=True)
    offline = _offline(passages, framework, texts)
    if assist is None:
        return offline
    try:
        text, cited = assist.answer(person, question, passages)
    except Fallback as fallback:
        return offline.model_copy(update={"fallback_notice": fallback.notice})
    if not cited:
        return AskView(answer=text, citations=[], declined=True)
    by_id = {p.attribute_id: p for p in passages}
    citations = [_citation(framework, by_id[a]) for a in cited]
    return AskView(answer=text, citations=citations)


def _search(retriever: Retriever, question: str) -> list[Passage]:
    try:
        found = retriever.search(question, k=PASSAGES)
    except Exception:  # retrieval is an aid: without it there is nothing to ground an answer
        logger.exception("retrieval failed for a question")
        return []
    return [p for p in found if p.attribute_id]


def _offline(passages: list[Passage], framework: Framework, texts: Mapping[str, str]) -> AskView:
    citations = [_citation(framework, p) for p in passages]
    lines = [texts["ask_offline_intro"]]
    lines += [
        f"{c.attribute.id} {c.attribute.short_name}: {c.attribute.statement}" for c in citations
    ]
    return AskView(answer="\n".join(lines), citations=citations)


def _citation(framework: Framework, passage: Passage) -> Citation:
    assert passage.attribute_id is not None
    return Citation(attribute=framework.attribute(passage.attribute_id), passage=passage.text)
