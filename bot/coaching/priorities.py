"""Ranks a reflection's attributes into priority areas, using ratings and the person's words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from bot.coaching.framework import Framework, QuestionBank
from bot.coaching.models import Answer, PriorityArea, Reflection, Summary

DEFAULT_PRIORITY_COUNT = 3
MAX_QUOTE_CHARS = 240

# Words people use when something is a development need, or a strength. Each hit nudges the
# rank; the rating stays the main signal.
_NEED = re.compile(
    r"\b(struggl\w*|difficult\w*|hard|not confident|unsure|uncertain|avoid\w*|never|rarely|"
    r"don'?t|can'?t|haven'?t|lack\w*|need to|want to (?:get|be|learn|improve)\w*|"
    r"should|wish|stuck|overwhelm\w*|frustrat\w*|worr\w*|anxious|nervous|gap)\b",
    re.IGNORECASE,
)
_STRENGTH = re.compile(
    r"\b(confident|good at|strength|comfortable|always|enjoy\w*|proud|well)\b", re.IGNORECASE
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def _need_signal(text: str) -> float:
    needs = min(len(_NEED.findall(text)), 3)
    strengths = min(len(_STRENGTH.findall(text)), 2)
    return 0.5 * needs - 0.5 * strengths


def _score(answer: Answer) -> float | None:
    """Higher means more in need of development; None means nothing to go on."""
    if answer.rating is None and not answer.text.strip():
        return None
    base = 6 - answer.rating if answer.rating is not None else 2.5
    return base + _need_signal(answer.text)


def best_quote(text: str) -> str | None:
    """The sentence of the person's own words that best shows the need, verbatim."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if not sentences:
        return None
    best = max(sentences, key=lambda s: (_need_signal(s), -sentences.index(s)))
    if len(best) <= MAX_QUOTE_CHARS:
        return best
    cut = best[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0]
    return cut or best[:MAX_QUOTE_CHARS]


def ranked_attribute_ids(reflection: Reflection, framework: Framework) -> list[str]:
    """Answered attributes, most in need of development first, ties in framework order."""
    order = {a.id: n for n, a in enumerate(framework.attributes())}
    scored = [
        (score, attribute_id)
        for attribute_id, answer in reflection.answers.items()
        if attribute_id in reflection.attribute_ids and (score := _score(answer)) is not None
    ]
    scored.sort(key=lambda item: (-item[0], order[item[1]]))
    return [attribute_id for _, attribute_id in scored]


def rationale(
    answer: Answer, framework: Framework, bank: QuestionBank, texts: Mapping[str, str]
) -> tuple[str, str | None]:
    """Why an attribute is a priority, naming the statement and quoting the person."""
    statement = framework.attribute(answer.attribute_id).statement
    if answer.rating is None:
        text = texts["skipped_rationale"].format(statement=statement)
    else:
        text = texts["rating_rationale"].format(
            rating=answer.rating, label=bank.label(answer.rating), statement=statement
        )
    quote = best_quote(answer.text)
    if quote:
        text += texts["quote_rationale"].format(quote=quote)
    if not text.endswith(('."', '!"', '?"')):
        text += texts["rationale_end"]
    return text, quote


def domain_note(
    reflection: Reflection, priority_ids: list[str], framework: Framework, texts: Mapping[str, str]
) -> str:
    """How the priorities sit across the three domains, with average ratings."""
    names = {d.id: d.name for d in framework.domains}
    present = [
        d.id
        for d in framework.domains
        if any(framework.attribute(p).domain_id == d.id for p in priority_ids)
    ]
    missing = [names[d] for d in names if d not in present]
    joined = " and ".join(names[d] for d in present)
    if reflection.scope in names:
        note = texts["domain_note_single_scope"].format(domain=names[reflection.scope])
    elif len(present) == 3:
        note = texts["domain_note_all_three"]
    elif len(present) == 2:
        note = texts["domain_note_two"].format(present=joined, missing=missing[0])
    else:
        note = texts["domain_note_one"].format(present=joined, missing=" or ".join(missing))
    averages = _domain_averages(reflection, framework)
    if averages:
        note += " " + texts["domain_averages"].format(averages=averages)
    return note


def _domain_averages(reflection: Reflection, framework: Framework) -> str:
    parts = []
    for domain in framework.domains:
        ratings = [
            a.rating
            for a in reflection.answers.values()
            if a.rating is not None and framework.attribute(a.attribute_id).domain_id == domain.id
        ]
        if ratings:
            parts.append(f"{domain.name} {sum(ratings) / len(ratings):.1f}")
    return ", ".join(parts)


def propose_summary(
    reflection: Reflection,
    framework: Framework,
    bank: QuestionBank,
    texts: Mapping[str, str],
    now: datetime,
    count: int = DEFAULT_PRIORITY_COUNT,
) -> Summary:
    """Priority areas (three by default) and swap candidates for a finished reflection."""
    ranked = ranked_attribute_ids(reflection, framework)
    priorities = []
    for attribute_id in ranked[:count]:
        text, quote = rationale(reflection.answers[attribute_id], framework, bank, texts)
        priorities.append(PriorityArea(attribute_id=attribute_id, rationale=text, quote=quote))
    note = (
        domain_note(reflection, ranked[:count], framework, texts)
        if ranked
        else texts["nothing_to_prioritise"]
    )
    return Summary(
        priorities=priorities, candidates=ranked[count:], domain_note=note, generated_at=now
    )
