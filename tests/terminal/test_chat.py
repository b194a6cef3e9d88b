"""The terminal chat, driven by typed lines as a person would type them."""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person, Status
from bot.terminal.chat import TerminalChat
from tests.fakes import InMemoryReflectionRepository


class Keyboard:
    """Types the given lines one per prompt, then presses Ctrl-D."""

    def __init__(self, lines: list[str]) -> None:
        self.lines: Iterator[str] = iter(lines)
        self.prompts = 0

    def __call__(self, prompt: str) -> str:
        self.prompts += 1
        try:
            return next(self.lines)
        except StopIteration:
            raise EOFError from None


def _chat(coach: ReflectionService, person: Person, lines: list[str]) -> str:
    console = Console(file=io.StringIO(), width=110, color_system=None)
    TerminalChat(coach, person, console, read=Keyboard(lines)).run()
    return console.file.getvalue()


def test_a_whole_domain_from_menu_to_confirmed_priorities_with_a_goal(
    coach: ReflectionService, nurse: Person
) -> None:
    lines = ["l", "", "I can't get the consultants to agree where we are heading.", "1"]
    lines += ["4", "3", "2", "5", "4", "3", "4", "4"]
    lines += ["g 1", "Agree a one-page ward vision with the team by March", "c", "q", "q"]
    screen = _chat(coach, nurse, lines)
    assert "Leadership 1 of 9" in screen and "Leadership 9 of 9" in screen
    assert "Develops, commits to and communicates clear vision" in screen
    assert "Your priority areas (proposed" in screen
    assert "Confirmed. Your priority areas are saved." in screen
    summary = coach.last_summary(nurse)
    assert summary is not None
    assert [p.attribute.id for p in summary.priorities] == ["L1", "L4", "L3"]
    assert summary.priorities[0].goal == "Agree a one-page ward vision with the team by March"
    assert (
        summary.priorities[0].quote == "I can't get the consultants to agree where we are heading."
    )
    assert "Goodbye for now" in screen


def test_ctrl_d_mid_reflection_pauses_and_the_next_chat_resumes(
    coach: ReflectionService, nurse: Person, repository: InMemoryReflectionRepository
) -> None:
    screen = _chat(coach, nurse, ["i", "", "3", "2"])
    assert "Paused. Everything you entered is saved" in screen
    screen = _chat(coach, nurse, ["r"])
    assert "2 of 10 attributes done" in screen
    assert "Improvement 3 of 10" in screen and "Improvement 1 of 10" not in screen
    (reflection,) = repository.rows.values()
    assert reflection.status == Status.IN_PROGRESS and reflection.cursor == 2


def test_bad_entries_get_a_clear_message_and_change_nothing(
    coach: ReflectionService, nurse: Person, repository: InMemoryReflectionRepository
) -> None:
    screen = _chat(coach, nurse, ["x", "c", "", "7", "0", "", "b", "s 9 L1", "3"])
    assert "Please choose one of the letters shown." in screen
    assert screen.count("A rating is a whole number from 1 to 5.") == 2
    assert "Type a rating from 1 to 5, or s to skip." in screen
    assert "This is the first step: there is nothing before it." in screen
    (reflection,) = repository.rows.values()
    assert reflection.cursor == 1 and reflection.answers["C1"].rating == 3
    assert reflection.answers["C1"].text == "s 9 L1"


def test_a_reflection_mentioning_another_attribute_shows_the_link(
    coach: ReflectionService, nurse: Person
) -> None:
    screen = _chat(
        coach,
        nurse,
        [
            "i",
            "",
            "We changed the process but have no measurement to demonstrate impact or variation",
        ],
    )
    assert "This also sounds like I7" in screen


def test_going_back_shows_the_earlier_rating_and_enter_keeps_it(
    coach: ReflectionService, nurse: Person, repository: InMemoryReflectionRepository
) -> None:
    screen = _chat(coach, nurse, ["c", "", "4", "b", "", "2"])
    assert "Earlier you rated 4 (Established). Enter keeps it." in screen
    (reflection,) = repository.rows.values()
    assert reflection.answers["C1"].rating == 4 and reflection.answers["C2"].rating == 2
