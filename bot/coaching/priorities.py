"""Ranks a reflection's attributes into priority areas, using ratings and the person's words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.coaching import connections, reading
from bot.coaching.framework import Framework, QuestionBank
from bot.coaching.models import Answer, PriorityArea, Reflection, Status, Summary

DEFAULT_PRIORITY_COUNT = 3
MAX_QUOTE_CHARS = 240

UNRATED_WITH_WORDS = 3.5  # an unrated answer with words ranks between a 3 and a 4


def _rating_rank(answer: Answer) -> float | None:
    """Lower means more in need of development; None means nothing to go on."""
    if answer.rating is None and not answer.text.strip():
        return None
    return float(answer.rating) if answer.rating is not None else UNRATED_WITH_WORDS


def best_quote(text: str) -> str | None:
    """The sentence of the person's own words that most shows the need, verbatim (cut to fit)."""
    best = reading.most_in_need(text)
    if best is None or len(best) <= MAX_QUOTE_CHARS:
        return best
    cut = best[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0]
    return cut or best[:MAX_QUOTE_CHARS]


def ranked_attribute_ids(reflection: Reflection, framework: Framework) -> list[str]:
    """Answered attributes, most in need of development first.

    The rating decides; among equal ratings the words do (reading.need), then framework order.
    Words never turn a rating over: a 2 always ranks before a 3, whatever was written.
    """
    order = {a.id: n for n, a in enumerate(framework.attributes())}
    keyed = [
        ((rank, -reading.need(answer.text), order[attribute_id]), attribute_id)
        for attribute_id, answer in reflection.answers.items()
        if attribute_id in reflection.attribute_ids and (rank := _rating_rank(answer)) is not None
    ]
    keyed.sort()
    return [attribute_id for _, attribute_id in keyed]


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
    """How the priorities sit across the three domains, their links there, average ratings."""
    names = {d.id: d.name for d in framework.domains}
    present = [
        d.id
        for d in framework.domains
        if any(framework.attribute(p).domain_id == d.id for p in priority_ids)
    ]
    missing = [names[d] for d in names if d not in present]
    joined = " and ".join(names[d] for d in present)
    if reflection.scope in names and present == [reflection.scope]:
        note = texts["domain_note_single_scope"].format(domain=names[reflection.scope])
    elif len(present) == 3:
        note = texts["domain_note_all_three"]
    elif len(present) == 2:
        note = texts["domain_note_two"].format(present=joined, missing=missing[0])
    else:
        note = texts["domain_note_one"].format(present=joined, missing=" or ".join(missing))
    links = connections.cross_domain_links(priority_ids, framework, texts)
    if links:
        note += " " + links
    averages = _domain_averages(reflection, framework)
    if averages:
        note += " " + texts["domain_averages"].format(averages=averages)
    return note


def refresh_domain_note(
    reflection: Reflection, framework: Framework, texts: Mapping[str, str]
) -> None:
    """Word the note anew for the priorities as they are now, while they are being shaped."""
    summary = reflection.summary
    if reflection.status != Status.REVIEWING or summary is None or not summary.priorities:
        return
    chosen = [p.attribute_id for p in summary.priorities]
    summary.domain_note = domain_note(reflection, chosen, framework, texts)


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
