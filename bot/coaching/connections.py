"""What the summary says beyond the ranking: the coach's own suggestions, the framework's links
across domains, and the attributes skipped.

A summary that only restates ratings coaches no one. The framework asks leaders of improvement
to work at the intersection of its three domains, so the summary names, for each priority, the
attributes of the other domains the knowledge links it to (`related` in knowledge/framework.yaml),
lets the person take as a priority any attribute the coach suggested while they wrote ("This
also sounds like C5"), from any domain, and names what they skipped with an offer to go back.
Everything here is derived from the reflection and the framework: nothing new is stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.coaching import reading
from bot.coaching.framework import Attribute, Framework
from bot.coaching.models import PriorityArea, Reflection, Status
from bot.coaching.views import SummaryOffers

LINKS_PER_PRIORITY = 2


def offers(reflection: Reflection, framework: Framework, texts: Mapping[str, str]) -> SummaryOffers:
    """The coach's suggestions not yet chosen and the skipped attributes, while reviewing."""
    if reflection.status != Status.REVIEWING or reflection.summary is None:
        return SummaryOffers()
    chosen = [p.attribute_id for p in reflection.summary.priorities]
    suggested = [a for a in suggested_ids(reflection) if a not in chosen]
    return SummaryOffers(
        suggested=[framework.attribute(a) for a in suggested],
        suggested_note=suggested_note(reflection, suggested, framework, texts),
        skipped=[framework.attribute(a) for a in skipped_ids(reflection)],
        skipped_note=skipped_note(reflection, framework, texts),
    )


def suggested_ids(reflection: Reflection) -> list[str]:
    """Attributes the coach said an answer also sounded like, in reflection order, once each."""
    found: list[str] = []
    for attribute_id in reflection.attribute_ids:
        answer = reflection.answers.get(attribute_id)
        for linked in answer.related_attribute_ids if answer else []:
            if linked not in found and linked != attribute_id:
                found.append(linked)
    return found


def suggested_by(reflection: Reflection, attribute_id: str) -> str | None:
    """The attribute whose answer led the coach to suggest this one, or None."""
    return next(
        (
            source
            for source in reflection.attribute_ids
            if (answer := reflection.answers.get(source))
            and attribute_id in answer.related_attribute_ids
        ),
        None,
    )


def outside_priority(
    reflection: Reflection, attribute_id: str, framework: Framework, texts: Mapping[str, str]
) -> PriorityArea:
    """An attribute outside the reflection as a priority, saying why: suggested, or chosen."""
    attribute = framework.attribute(attribute_id)
    source_id = suggested_by(reflection, attribute_id)
    if source_id is None:
        domain = framework.domain(attribute.domain_id).name
        text = texts["added_rationale"].format(statement=attribute.statement, domain=domain)
        return PriorityArea(attribute_id=attribute_id, rationale=text + texts["rationale_end"])
    source = framework.attribute(source_id)
    text = texts["suggested_rationale"].format(
        statement=attribute.statement, source_id=source.id, source_name=source.short_name
    )
    quote = reading.most_in_need(reflection.answers[source_id].text)
    ending = texts["suggested_quote"].format(quote=quote) if quote else texts["rationale_end"]
    return PriorityArea(attribute_id=attribute_id, rationale=text + ending, quote=quote)


def cross_domain_links(
    priority_ids: list[str], framework: Framework, texts: Mapping[str, str]
) -> str:
    """The framework's links from each priority to attributes of other domains, in one sentence."""
    parts = []
    for priority_id in priority_ids:
        priority = framework.attribute(priority_id)
        others = [
            framework.attribute(r)
            for r in priority.enrichment.related
            if framework.has_attribute(r) and framework.attribute(r).domain_id != priority.domain_id
        ][:LINKS_PER_PRIORITY]
        if others:
            related = join_names(
                [_linked_name(o, priority_ids, framework, texts) for o in others], texts
            )
            parts.append(
                texts["domain_link"].format(
                    attribute_id=priority.id, short_name=priority.short_name, related=related
                )
            )
    return texts["domain_links"].format(links="; ".join(parts)) if parts else ""


def _linked_name(
    attribute: Attribute, priority_ids: list[str], framework: Framework, texts: Mapping[str, str]
) -> str:
    key = "domain_link_priority" if attribute.id in priority_ids else "domain_link_other"
    return texts[key].format(
        attribute_id=attribute.id,
        short_name=attribute.short_name,
        domain=framework.domain(attribute.domain_id).name,
    )


def skipped_ids(reflection: Reflection) -> list[str]:
    """Attributes of the reflection left without a rating, in order."""
    return [
        attribute_id
        for attribute_id in reflection.attribute_ids
        if (answer := reflection.answers.get(attribute_id)) is None or answer.rating is None
    ]


def skipped_note(reflection: Reflection, framework: Framework, texts: Mapping[str, str]) -> str:
    """The skipped attributes named, with an offer to go back to them ("" when none)."""
    skipped = [framework.attribute(a) for a in skipped_ids(reflection)]
    if not skipped:
        return ""
    names = join_names([f"{a.id} {a.short_name}" for a in skipped], texts)
    return texts["summary_skipped"].format(names=names, count=len(skipped))


def suggested_note(
    reflection: Reflection, offered: list[str], framework: Framework, texts: Mapping[str, str]
) -> str:
    """The coach's suggestions not yet taken as priorities, offered from any domain."""
    if not offered:
        return ""
    names = []
    for attribute_id in offered:
        attribute = framework.attribute(attribute_id)
        source = suggested_by(reflection, attribute_id)
        names.append(
            texts["summary_suggested_item"].format(
                attribute_id=attribute.id, short_name=attribute.short_name, source_id=source
            )
        )
    return texts["summary_suggested"].format(names=join_names(names, texts))


def join_names(names: list[str], texts: Mapping[str, str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + texts["and"] + names[-1]
