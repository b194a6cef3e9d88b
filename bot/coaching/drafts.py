"""Checks on what a language model drafts, before any of it reaches the person.

The model's output is treated as untrusted: a question must look like one short question, a
priority must name an attribute of this reflection, every quote must be the person's own words
verbatim, and an answer about the framework must cite only the passages it was given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.coaching.framework import Framework
from bot.coaching.models import PriorityArea, Reflection
from bot.coaching.ports import DraftAnswer, DraftPriority, DraftSummary, Passage

MAX_QUESTION_CHARS = 300
MAX_RATIONALE_CHARS = 600
MAX_QUOTE_CHARS = 240
MAX_STEP_CHARS = 160
MAX_ANSWER_CHARS = 1_200
SHORT_ANSWER_WORDS = 12

_UNSAFE = re.compile(r"https?://|www\.|[<>`{}]|\[[^\]]*\]")
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")
_VAGUE = re.compile(
    r"^\W*(?:n/?a|none|nothing|no|yes|ok(?:ay)?|fine|not sure|unsure|don'?t know|dunno|idk|"
    r"maybe|sometimes|it depends|same as (?:above|before)|as above|not really|kind of|sort of)"
    r"\W*$",
    re.IGNORECASE,
)
# Questions that ask for a clinical decision, not about leading improvement.
_CLINICAL = re.compile(
    r"\b(?:dos(?:e|es|age|ing)|\d+\s?(?:mg|mcg|ml|units?)\b|diagnos\w*|symptoms? of|"
    r"treat(?:ment|ing)? (?:for|of)|prescrib\w*|side[- ]effects?|contraindicat\w*|"
    r"interacts? with|(?:should|can|could) (?:i|we) (?:give|stop|start|administer|increase|"
    r"reduce)|is it safe to (?:give|take|prescribe|administer|stop))",
    re.IGNORECASE,
)


def tidy(text: str) -> str:
    """Whitespace collapsed, surrounding quotes and spaces removed."""
    return " ".join(text.split()).strip().strip("\"'“”‘’").strip()


def clean_question(text: str) -> str | None:
    """The model's question if it is one short open question with nothing odd in it."""
    question = tidy(text)
    if not 10 <= len(question) <= MAX_QUESTION_CHARS or not question.endswith("?"):
        return None
    if question.count("?") > 2 or "\n" in text.strip() or _UNSAFE.search(question):
        return None
    return question


def needs_follow_up(text: str) -> bool:
    """Whether a written answer is short or vague enough to deserve one follow-up."""
    words = text.split()
    return bool(words) and (len(words) < SHORT_ANSWER_WORDS or bool(_VAGUE.match(text)))


def is_clinical(question: str) -> bool:
    """Whether a question asks for clinical advice, which the coach declines."""
    return bool(_CLINICAL.search(question))


def _restore(text: str) -> str:
    """Undo the adapter's neutralising of angle brackets in the person's text."""
    return text.replace("‹", "<").replace("›", ">")


def verified_quotes(quotes: list[str], answers: list[str]) -> list[str]:
    """The quotes that are verbatim in the person's answers (whitespace-insensitive)."""
    spaced = [" ".join(a.split()) for a in answers]
    kept: list[str] = []
    for quote in quotes:
        candidate = _restore(tidy(quote)).rstrip(".…").strip()
        fits = 3 <= len(candidate) <= MAX_QUOTE_CHARS and candidate not in kept
        if fits and any(candidate in answer for answer in spaced):
            kept.append(candidate)
    return kept


def _traceable(rationale: str, sources: list[str]) -> bool:
    """Every quoted span in the rationale appears in the person's answers or the statement."""
    spaced = [" ".join(s.split()) for s in sources]
    return all(
        any(_restore(q).strip(" .") in s for s in spaced) for q in _QUOTED.findall(rationale)
    )


def _first_steps(steps: list[str]) -> list[str]:
    cleaned = [tidy(s).rstrip(".") for s in steps[:3]]
    return [s for s in cleaned if 3 <= len(s) <= MAX_STEP_CHARS and not _UNSAFE.search(s)]


def validate_priority(
    draft: DraftPriority,
    reflection: Reflection,
    framework: Framework,
    texts: Mapping[str, str],
) -> PriorityArea | None:
    """The drafted priority as the person will see it, or None when it cannot be trusted."""
    answer = reflection.answers.get(draft.attribute_id)
    if answer is None or draft.attribute_id not in reflection.attribute_ids:
        return None
    answers = [a.text for a in reflection.answers.values() if a.text.strip()]
    statement = framework.attribute(draft.attribute_id).statement
    rationale = tidy(draft.rationale)
    if not 10 <= len(rationale) <= MAX_RATIONALE_CHARS or _UNSAFE.search(rationale):
        return None
    if not _traceable(rationale, [*answers, statement]):
        return None
    quotes = verified_quotes(draft.quotes, answers)
    quote = quotes[0] if quotes else None
    if quote and quote not in rationale:
        rationale += texts["model_quote"].format(quote=quote)
    steps = _first_steps(draft.first_steps)
    if steps:
        rationale += texts["model_first_steps"].format(steps="; ".join(steps))
    return PriorityArea(attribute_id=draft.attribute_id, rationale=rationale, quote=quote)


def validate_summary(
    draft: DraftSummary,
    reflection: Reflection,
    framework: Framework,
    texts: Mapping[str, str],
    count: int,
) -> list[PriorityArea]:
    """The drafted priorities that pass every check, at most `count`, each attribute once."""
    kept: list[PriorityArea] = []
    for item in draft.priorities:
        if len(kept) == count or any(p.attribute_id == item.attribute_id for p in kept):
            continue
        priority = validate_priority(item, reflection, framework, texts)
        if priority is not None:
            kept.append(priority)
    return kept


def validate_answer(draft: DraftAnswer, passages: list[Passage]) -> tuple[str, list[str]] | None:
    """The answer text and the attribute ids it cites, when it is grounded in the passages."""
    allowed = {p.attribute_id for p in passages if p.attribute_id}
    cited = list(dict.fromkeys(draft.cited_attribute_ids))
    answer = tidy(draft.answer)
    if not cited or not set(cited) <= allowed:
        return None
    if not 10 <= len(answer) <= MAX_ANSWER_CHARS or _UNSAFE.search(answer):
        return None
    return answer, cited
