"""What the privacy features say, in the terminal and in Slack (plain text, mrkdwn-safe)."""

from __future__ import annotations

from bot.coaching.framework import Framework
from bot.privacy.models import RemovalReport, TeamInsights

NOTHING_STORED = "LIF Coach stores nothing about you, so there is nothing to export."
EXPORT_SENT = (
    "Here is everything LIF Coach stores about you: a CPD record you can read (set out under "
    "the four questions of the NMC reflective accounts form) and the same data as JSON."
)
ERASED_NOTHING = "There was nothing stored about you, so nothing was deleted."
DELETE_CANCELLED = "Nothing was deleted: your reflections are as they were."
COUNTED = (
    "Thank you: from now on you are counted, anonymously, in the team insights programme leads "
    "see (how many people reflected and which areas they chose; never your words or ratings). "
    "`/lif-reflect team leave` stops it."
)
NOT_COUNTED = (
    "You are not counted in team insights. `/lif-reflect team join` counts you, anonymously, "
    "if you would like to help your programme leads."
)
TABLE_NAMES = {  # (one, several), in the order a person would list them
    "reflections": ("reflection", "reflections"),
    "answers": ("answer", "answers"),
    "answer_parts": ("part of an answer", "parts of answers"),
    "priorities": ("priority area", "priority areas"),
    "summaries": ("summary", "summaries"),
    "coach_turns": ("AI coach question", "AI coach questions"),
    "check_ins": ("check-in", "check-ins"),
    "nudges": ("follow-up message", "follow-up messages"),
    "nudges_cancelled": ("planned message cancelled", "planned messages cancelled"),
    "nudge_preferences": ("follow-up settings", "follow-up settings"),
    "llm_usage": ("day of AI coach use", "days of AI coach use"),
    "coach_profiles": ("role", "roles"),
    "team_optins": ("team insight opt-in", "team insight opt-ins"),
    "pending_texts": ("unsaved text", "unsaved texts"),
}


def describe_removal(report: RemovalReport) -> str:
    """'3 reflections, 27 answers, ...' for the rows that were there."""
    order = list(TABLE_NAMES)
    tables = sorted(report.counts, key=lambda t: order.index(t) if t in order else len(order))
    parts = [_rows(table, report.counts[table]) for table in tables if report.counts[table]]
    return ", ".join(parts) or "nothing"


def _rows(table: str, count: int) -> str:
    one, several = TABLE_NAMES.get(table, (table, table))
    return f"{count} {one if count == 1 else several}"


def describe_erasure(report: RemovalReport) -> str:
    """What a person is told after their data is erased."""
    if report.total == 0:
        return ERASED_NOTHING
    return (
        f"Done: everything LIF Coach stored about you is deleted ({describe_removal(report)}). "
        "A record that an erasure happened, with these counts and no content, is kept."
    )


def describe_insights(insights: TeamInsights, framework: Framework) -> str:
    """Team insights as text; suppressed figures are explained, never shown."""
    period = f"in the last {insights.days} days"
    if insights.people is None:
        return (
            f"Fewer than {insights.min_people} people who agreed to be counted completed a "
            f"reflection {period}, so no figures are shown: with so few, someone could be "
            "recognised."
        )
    counted = f"*{insights.people} people* who agreed to be counted"
    lines = [f"{counted} completed a reflection {period}."]
    if insights.priorities:
        lines.append("Areas they chose most often as priorities:")
        lines += [f"• {_name(framework, a)}: {n} people" for a, n in insights.priorities]
    if insights.hidden_areas:
        lines.append(f"Areas chosen by fewer than {insights.min_people} people are not shown.")
    return "\n".join(lines)


def _name(framework: Framework, attribute_id: str) -> str:
    if not framework.has_attribute(attribute_id):
        return attribute_id
    return f"{attribute_id} {framework.attribute(attribute_id).short_name}"
