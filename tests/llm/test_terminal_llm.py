"""A whole domain in the terminal chat with the AI coach on, and with it failing throughout."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from rich.console import Console

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person, Status
from bot.terminal.chat import TerminalChat
from tests.fakes import InMemoryReflectionRepository
from tests.llm.fake_openai import FakeOpenAI, Reply
from tests.terminal.test_chat import Keyboard

LEADERSHIP = ["4", "3", "2", "5", "4", "3", "4", "4"]  # L2..L9


def _chat(coach: ReflectionService, person: Person, lines: list[str]) -> str:
    console = Console(file=io.StringIO(), width=110, color_system=None)
    TerminalChat(coach, person, console, read=Keyboard(lines)).run()
    return console.file.getvalue()


def test_a_whole_domain_with_the_ai_coach(
    llm_coach: ReflectionService,
    nurse: Person,
    openai_server: FakeOpenAI,
    repository: InMemoryReflectionRepository,
) -> None:
    lines = ["ward manager", "?? How do I measure the impact of a change?", "l", ""]
    lines += ["Not sure.", "We never agree a vision. Mrs Jones in bed 3 noticed.", "r", "1"]
    lines += LEADERSHIP + ["c", "q", "q"]
    screen = _chat(llm_coach, nurse, lines)

    assert "what is your role" in screen
    assert "About the framework" in screen and "The framework covers this in" in screen
    assert "Thinking of L1, what happened?" in screen and "Thinking of L9" in screen
    assert "Can you give me one example of when that happened?" in screen
    assert "This looks like it contains a bed or hospital number" in screen
    assert "Confirmed. Your priority areas are saved." in screen
    assert "Nothing you entered was lost" not in screen
    (reflection,) = repository.rows.values()
    assert reflection.status == Status.COMPLETED
    assert reflection.answers["L1"].text == (
        "Not sure.\n\nWe never agree a vision. [patient identifier] noticed."
    )
    summary = llm_coach.last_summary(nurse)
    assert summary.priorities[0].attribute.id == "L1"
    assert summary.priorities[0].quote == "Not sure"
    assert "Jones" not in openai_server.sent_text()


@pytest.fixture
def failing_server(openai_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    openai_server.responder = lambda request: Reply.error(500)
    yield openai_server


def test_a_whole_domain_with_the_ai_coach_failing_throughout(
    llm_coach: ReflectionService,
    nurse: Person,
    failing_server: FakeOpenAI,
    repository: InMemoryReflectionRepository,
) -> None:
    lines = ["", "?? How should I measure impact and variation?", "l", ""]
    lines += ["Not sure.", "1", *LEADERSHIP, "c", "q", "q"]
    screen = _chat(llm_coach, nurse, lines)

    assert screen.count("Nothing you entered was lost") >= 10  # 9 steps, the summary, the ask
    assert "Here is what the framework says" in screen
    assert "Leadership 9 of 9" in screen
    assert "Confirmed. Your priority areas are saved." in screen
    (reflection,) = repository.rows.values()
    assert reflection.status == Status.COMPLETED and reflection.answers["L1"].text == "Not sure."
    assert [p.attribute_id for p in reflection.summary.priorities] == ["L1", "L4", "L3"]
