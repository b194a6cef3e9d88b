"""The model's prompts: files in prompts/, loaded into LangChain chat prompt templates.

Everything the person wrote goes in as delimited data (<person_text>, <answer>) with its angle
brackets neutralised, so it cannot close a delimiter and pose as instructions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate

from bot.coaching.ports import EarlierAnswer, Passage
from bot.content import ContentError

SYSTEM_FILE = "llm_system.md"
TASK_FILES = {
    "question": "llm_question.md",
    "follow_up": "llm_follow_up.md",
    "summary": "llm_summary.md",
    "ask": "llm_ask.md",
    "so_what": "llm_so_what.md",
}
NOT_GIVEN = "not given"


@dataclass(frozen=True)
class CoachPrompts:
    """One chat prompt template (system + task) per purpose."""

    templates: dict[str, ChatPromptTemplate]

    def __getitem__(self, purpose: str) -> ChatPromptTemplate:
        return self.templates[purpose]


def load_prompts(prompts_dir: Path) -> CoachPrompts:
    """Read the system prompt and every task prompt; ContentError names a missing file."""
    system = _read(prompts_dir / SYSTEM_FILE)
    return CoachPrompts(
        templates={
            purpose: ChatPromptTemplate.from_messages(
                [("system", system), ("human", _read(prompts_dir / name))]
            )
            for purpose, name in TASK_FILES.items()
        }
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError as error:
        raise ContentError(f"{path} is missing; it ships with LIF Coach") from error


def person_text(text: str) -> str:
    """The person's words, safe to place inside a delimiter."""
    return text.replace("<", "‹").replace(">", "›").strip()


def role_text(role: str | None) -> str:
    """The role as data, or 'not given'."""
    return f"<person_text>{person_text(role)}</person_text>" if role else NOT_GIVEN


def answers_text(answers: tuple[EarlierAnswer, ...]) -> str:
    """Earlier answers as delimited <answer> elements, one per attribute."""
    if not answers:
        return "nothing yet"
    return "\n".join(
        f'<answer attribute="{a.attribute_id}" rating="{a.rating or "none"}">\n'
        f"Statement: {a.statement}\n"
        f"They wrote: {person_text(a.text) or '(nothing)'}\n</answer>"
        for a in answers
    )


def passages_text(passages: tuple[Passage, ...]) -> str:
    """Retrieved passages, each led by its attribute id."""
    return "\n\n".join(f"{p.attribute_id}: {' '.join(p.text.split())}" for p in passages)
