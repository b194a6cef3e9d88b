"""Pure builders of a person's export: a CPD record in markdown and the same data as JSON.

Each reflection is set out as a reflective account under the four questions of the NMC's
reflective accounts form, so a nurse or midwife can use it towards revalidation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from bot.coaching import cycle
from bot.coaching.followup.models import CheckIn
from bot.coaching.framework import Framework
from bot.coaching.models import Answer, PriorityArea, Reflection, Stage
from bot.privacy.models import ExportFiles, PersonalRecord

NMC_PROMPTS = (
    "What was the nature of the CPD activity?",
    "What did you learn from the CPD activity?",
    "How did you change or improve your practice as a result?",
    "How is this relevant to the Code?",
)
# The Code's four themes each domain touches most; a suggestion the person checks.
CODE_THEMES = {
    "leadership": ("Promote professionalism and trust", "Prioritise people"),
    "improvement": ("Practise effectively", "Preserve safety"),
    "care_delivery": ("Prioritise people", "Preserve safety"),
}
CHECK_IN_WORDS = {
    "progress": "Made progress",
    "some_progress": "Some progress",
    "stuck": "Stuck",
    "not_this_time": "Not this time",
}
EXPORT_FORMAT = "lif-coach-export/1"
STAGE_HEADINGS = {  # the reflective cycle's stages (Rolfe, Freshwater & Jasper 2001)
    Stage.WHAT: "What happened, in your words:",
    Stage.SO_WHAT: "So what: what it tells you:",
    Stage.NOW_WHAT: "Now what: what you will do:",
}


def build_export_files(
    record: PersonalRecord,
    framework: Framework,
    rating_labels: Mapping[int, str],
    generated_at: datetime,
) -> ExportFiles:
    """Both files, named for the person and the day."""
    stem = f"lif-coach-{record.person.user_id}-{generated_at:%Y-%m-%d}"
    return ExportFiles(
        markdown_name=f"{stem}.md",
        markdown=build_markdown(record, framework, rating_labels, generated_at),
        json_name=f"{stem}.json",
        json_text=build_json(record, framework, generated_at),
    )


# -- JSON --------------------------------------------------------------------------------------


def build_json(record: PersonalRecord, framework: Framework, generated_at: datetime) -> str:
    """Everything stored, as JSON, with the framework's statements beside the attribute ids."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "generated_at": generated_at.isoformat(),
        "attribute_statements": _statements(framework, _attribute_ids(record)),
    }
    data |= record.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False)


def _attribute_ids(record: PersonalRecord) -> list[str]:
    found: dict[str, None] = {}
    for reflection in record.reflections:
        found |= dict.fromkeys(reflection.attribute_ids)
    return list(found)


def _statements(framework: Framework, attribute_ids: Iterable[str]) -> dict[str, str]:
    return {
        attribute_id: framework.attribute(attribute_id).statement
        for attribute_id in attribute_ids
        if framework.has_attribute(attribute_id)
    }


# -- markdown ------------------------------------------------------------------------------


def build_markdown(
    record: PersonalRecord,
    framework: Framework,
    rating_labels: Mapping[int, str],
    generated_at: datetime,
) -> str:
    """The readable CPD record: one reflective account per reflection, then the rest."""
    parts = [_preamble(record, generated_at)]
    for reflection in record.reflections:
        check_ins = [c for c in record.check_ins if c.reflection_id == reflection.id]
        parts.append(_account(reflection, check_ins, framework, rating_labels))
    parts.append(_other_data(record, framework))
    return "\n\n".join(parts).rstrip() + "\n"


def _preamble(record: PersonalRecord, generated_at: datetime) -> str:
    count = len(record.reflections)
    return "\n".join(
        [
            "# LIF Coach: your CPD record",
            "",
            f"Exported on {_day(generated_at)} for Slack user {record.person.user_id} "
            f"(workspace {record.person.workspace_id}). {count} reflection"
            f"{'' if count == 1 else 's'}.",
            "",
            "This file and the JSON file sent with it hold everything LIF Coach stores about "
            "you. Each reflection is set out under the four questions of the NMC reflective "
            "accounts form: read it through and put it in your own words before you use it "
            "for revalidation.",
        ]
    )


def _account(
    reflection: Reflection,
    check_ins: list[CheckIn],
    framework: Framework,
    labels: Mapping[int, str],
) -> str:
    domains = _domain_names(reflection, framework)
    title = f"## Reflection of {_day(reflection.started_at)}: {', '.join(domains) or 'none'}"
    sections = [
        title,
        _nature(reflection, framework, domains),
        _learning(reflection, framework, labels),
        _change(reflection, check_ins, framework),
        _relevance(reflection, framework),
    ]
    return "\n\n".join(sections)


def _nature(reflection: Reflection, framework: Framework, domains: list[str]) -> str:
    finished = (
        f"completed on {_day(reflection.completed_at)}"
        if reflection.completed_at
        else f"status: {reflection.status.value.replace('_', ' ')}"
    )
    return "\n".join(
        [
            f"### 1. {NMC_PROMPTS[0]}",
            "",
            f"A structured self-assessment against {len(reflection.attribute_ids)} attribute "
            f"statements of the {framework.name} (framework version "
            f"{reflection.framework_version}; domains: {', '.join(domains)}), with LIF Coach. "
            f"Started on {_day(reflection.started_at)}, {finished}.",
        ]
    )


def _learning(reflection: Reflection, framework: Framework, labels: Mapping[int, str]) -> str:
    lines = [f"### 2. {NMC_PROMPTS[1]}"]
    for attribute_id in reflection.attribute_ids:
        lines += ["", *_attribute_lines(reflection, attribute_id, framework, labels)]
    if reflection.summary and reflection.summary.domain_note:
        lines += ["", f"Across the framework: {reflection.summary.domain_note}"]
    return "\n".join(lines)


def _attribute_lines(
    reflection: Reflection, attribute_id: str, framework: Framework, labels: Mapping[int, str]
) -> list[str]:
    heading = f"#### {_attribute_name(framework, attribute_id)}"
    statement = _statements(framework, [attribute_id]).get(attribute_id)
    lines = [heading, ""] + ([f"Statement: {statement}", ""] if statement else [])
    answer = reflection.answers.get(attribute_id)
    lines.append(f"- Your rating: {_rating(answer, labels)}")
    if answer and answer.parts:
        for stage, heading in STAGE_HEADINGS.items():
            if words := cycle.stage_text(answer, stage):
                lines += [f"- {heading}", _quoted(words)]
    elif answer and answer.text.strip():
        lines += ["- In your words:", _quoted(answer.text)]
    return lines


def _rating(answer: Answer | None, labels: Mapping[int, str]) -> str:
    if answer is None:
        return "not answered"
    if answer.skipped:
        return "skipped"
    if answer.rating is None:
        return "not rated"
    label = labels.get(answer.rating)
    return f"{answer.rating} of 5 ({label})" if label else f"{answer.rating} of 5"


def _change(reflection: Reflection, check_ins: list[CheckIn], framework: Framework) -> str:
    lines = [f"### 3. {NMC_PROMPTS[2]}", ""]
    priorities = reflection.summary.priorities if reflection.summary else []
    if not priorities:
        lines.append("No priority areas were chosen in this reflection.")
    for rank, priority in enumerate(priorities, start=1):
        lines += _priority_lines(rank, priority, framework)
    lines += ["", "Progress notes:", ""]
    lines += [_check_in_line(c, framework) for c in check_ins] or ["- none recorded yet"]
    return "\n".join(lines)


def _priority_lines(rank: int, priority: PriorityArea, framework: Framework) -> list[str]:
    lines = [f"{rank}. Priority area: {_attribute_name(framework, priority.attribute_id)}"]
    lines.append(f"   - Why: {_one_line(priority.rationale)}")
    if priority.quote:
        lines.append(f"   - Your words: \u201c{_one_line(priority.quote)}\u201d")
    lines.append(f"   - Your goal: {_one_line(priority.goal) if priority.goal else 'not set'}")
    return lines


def _check_in_line(check_in: CheckIn, framework: Framework) -> str:
    area = _attribute_name(framework, check_in.attribute_id) if check_in.attribute_id else "-"
    response = CHECK_IN_WORDS.get(check_in.response.value, check_in.response.value)
    note = f": {_one_line(check_in.note)}" if check_in.note else ""
    return f"- {_day(check_in.created_at)}, {area}: {response}{note}"


def _relevance(reflection: Reflection, framework: Framework) -> str:
    themes: dict[str, None] = {}
    for domain_id in _domain_ids(reflection, framework):
        themes |= dict.fromkeys(CODE_THEMES.get(domain_id, ()))
    suggestion = "; ".join(themes) or "choose the themes that apply"
    return "\n".join(
        [
            f"### 4. {NMC_PROMPTS[3]}",
            "",
            f"Themes of the Code this reflection may relate to: {suggestion}. This is a "
            "suggestion from the domains you reflected on: say in your own words how your "
            "learning relates to the Code.",
        ]
    )


def _other_data(record: PersonalRecord, framework: Framework) -> str:
    lines = ["## Everything else LIF Coach keeps about you", ""]
    lines.append(f"- Follow-up check-ins: {_schedule(record)}")
    lines.append(f"- Messages planned or sent to you: {len(record.nudges)}")
    lines.append(f"- Your role, as told to the AI coach: {_role(record.role)}")
    lines.append(f"- Questions the AI coach asked you: {len(record.coach_turns)}")
    for turn in record.coach_turns:
        area = _attribute_name(framework, turn.attribute_id)
        lines.append(f"  - {_day(turn.created_at)}, {area}: {_one_line(turn.text)}")
    calls = sum(day.calls for day in record.llm_usage)
    lines.append(f"- AI coach calls counted: {calls} on {len(record.llm_usage)} day(s)")
    opted = record.team_opted_in_at
    counted = f"yes, since {_day(opted)}" if opted else "no"
    lines.append(f"- Counted anonymously in team insights: {counted}")
    return "\n".join(lines)


def _role(role: str | None) -> str:
    if role is None:
        return "never asked"
    return _one_line(role) or "you chose not to say"


def _schedule(record: PersonalRecord) -> str:
    prefs = record.preferences
    if prefs is None:
        return "never set up"
    if prefs.stopped:
        return "stopped"
    return f"{prefs.cadence.value}, time zone {prefs.timezone}"


# -- small helpers ---------------------------------------------------------------------------


def _domain_ids(reflection: Reflection, framework: Framework) -> list[str]:
    found: dict[str, None] = {}
    for attribute_id in reflection.attribute_ids:
        if framework.has_attribute(attribute_id):
            found[framework.attribute(attribute_id).domain_id] = None
    return list(found)


def _domain_names(reflection: Reflection, framework: Framework) -> list[str]:
    return [framework.domain(d).name for d in _domain_ids(reflection, framework)]


def _attribute_name(framework: Framework, attribute_id: str) -> str:
    if not framework.has_attribute(attribute_id):
        return attribute_id
    return f"{attribute_id} {framework.attribute(attribute_id).short_name}"


def _day(moment: datetime | None) -> str:
    return moment.strftime("%-d %B %Y") if moment else "-"


def _quoted(text: str) -> str:
    return "\n".join(f"  > {line}" if line.strip() else "  >" for line in text.splitlines())


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
