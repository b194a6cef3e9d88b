"""At the keyboard no word is lost: long pastes arrive whole, a second entry adds, Ctrl-C says."""

from __future__ import annotations

import io
import os
import threading
import time
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from bot.coaching.engine import MAX_ANSWER_CHARS, ReflectionService
from bot.coaching.models import Person, Stage, Status
from bot.privacy.export import build_markdown
from bot.privacy.models import PersonalRecord
from bot.terminal.chat import TerminalChat
from bot.terminal.entry import Interrupted, LineReader, PromptReader, make_reader
from tests.fakes import InMemoryReflectionRepository
from tests.terminal.test_chat import Keyboard, _chat

TOO_LONG = "That is {count:,} characters; the limit is {limit:,}. Nothing was cut."
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


def _pasted(text: str) -> str:
    """What a terminal sends for a paste, with bracketed paste on (as prompt_toolkit asks)."""
    return PASTE_START + text + PASTE_END


def _long_text(length: int) -> str:
    line = "On the ward we never mapped discharge, so patients wait for hours. "
    text = (line * (length // len(line) + 1))[: length - 11]
    return text[:20_000] + "\n\n" + text[20_000:] + "\nthe end."


class Typist:
    """Types keys into prompt_toolkit's pipe input from a thread, as a person at a terminal."""

    def __init__(self, keys: str) -> None:
        self.keys = keys

    def __enter__(self) -> Any:
        self.context = create_pipe_input()
        pipe = self.context.__enter__()
        self.thread = threading.Thread(target=pipe.send_text, args=(self.keys,))
        self.thread.start()
        return pipe

    def __exit__(self, *exc: object) -> None:
        self.thread.join(timeout=10)
        self.context.__exit__(None, None, None)


def test_a_second_entry_on_a_step_is_added_to_the_first_and_the_export_holds_both(
    coach: ReflectionService, nurse: Person, repository: InMemoryReflectionRepository, framework
) -> None:
    screen = _chat(
        coach, nurse, ["c", "", "Care was late for two patients.", "And nobody knew why.", "2"]
    )
    assert "Saved." in screen and "Added to what you wrote." in screen
    (reflection,) = repository.rows.values()
    assert (
        reflection.answers["C1"].text == "Care was late for two patients.\n\nAnd nobody knew why."
    )
    record = PersonalRecord(person=nurse, reflections=[reflection])
    markdown = build_markdown(record, framework, {2: "Emerging"}, reflection.started_at)
    assert "Care was late for two patients." in markdown and "And nobody knew why." in markdown


def test_a_number_that_is_not_a_rating_is_refused_never_saved_as_the_reflection(
    coach: ReflectionService, nurse: Person, repository: InMemoryReflectionRepository
) -> None:
    screen = _chat(coach, nurse, ["c", "", "abc", "3.5", "3"])
    assert "A rating is a whole number from 1 to 5." in screen
    (reflection,) = repository.rows.values()
    assert reflection.answers["C1"].text == "abc" and reflection.answers["C1"].rating == 3


def test_a_deep_reflection_at_the_keyboard_asks_what_so_what_now_what(
    coach: ReflectionService, nurse: Person, repository: InMemoryReflectionRepository
) -> None:
    lines = ["i", "2", "Beds wait on pharmacy.", "I only see my ward.", "", "3", "4"]
    screen = _chat(coach, nurse, lines)
    assert "What? (1 of 3)" in screen and "So what? (2 of 3)" in screen
    assert 'You wrote: "Beds wait on pharmacy."' in screen
    assert "Now what? (3 of 3)" in screen and "Skipped that question." in screen
    assert "Rated 4 (Established)." in screen, "rated first on I2: its What follows"
    (reflection,) = repository.rows.values()
    answer = reflection.answers["I1"]
    assert [p.stage for p in answer.parts] == [Stage.WHAT, Stage.SO_WHAT]
    assert answer.skipped_stages == [Stage.NOW_WHAT] and answer.rating == 3
    assert reflection.cursor == 1 and reflection.answers["I2"].rating == 4


def test_starting_anew_asks_first_and_a_reflection_set_aside_is_reopened_from_resume(
    coach: ReflectionService, nurse: Person, repository: InMemoryReflectionRepository
) -> None:
    _chat(coach, nurse, ["i", "", "3"])
    screen = _chat(coach, nurse, ["l"])
    assert (
        "You have an unfinished reflection on Improvement (1 of 10). Resume it, or start a new one?"
        in screen
    )
    (first,) = repository.rows.values()
    assert first.status == Status.IN_PROGRESS, "asking changed nothing"
    screen = _chat(coach, nurse, ["l", "n", "", "4"])
    assert "Your reflection on Improvement (1 of 10) is set aside" in screen
    assert repository.rows[first.id].status == Status.ABANDONED
    screen = _chat(coach, nurse, ["r", "2"])
    assert "1  Leadership, started" in screen and "(in progress)" in screen
    assert "2  Improvement, started 27 November 2026: 1 of 10 done, set aside" in screen
    assert "Improvement 2 of 10" in screen, "reopened where it was left"
    assert repository.rows[first.id].status == Status.IN_PROGRESS


class CtrlC(Keyboard):
    """Types the lines, then presses Ctrl-C with `typed` half typed at the next prompt."""

    def __init__(self, lines: list[str], typed: str) -> None:
        super().__init__(lines)
        self.typed = typed

    def __call__(self, prompt: str) -> str:
        try:
            return super().__call__(prompt)
        except EOFError:
            raise Interrupted(self.typed) from None


def _after_ctrl_c(coach: ReflectionService, nurse: Person, typed: str) -> str:
    console = Console(file=io.StringIO(), width=110, color_system=None)
    TerminalChat(coach, nurse, console, read=CtrlC(["c", "", "4"], typed)).run()
    return console.file.getvalue()


def test_ctrl_c_with_half_typed_text_says_that_text_was_not_saved(
    coach: ReflectionService, nurse: Person
) -> None:
    screen = _after_ctrl_c(coach, nurse, "I was about to say")
    assert "What you were typing (18 characters) was not saved" in screen
    assert "Everything you entered is saved" not in screen


def test_ctrl_c_with_nothing_typed_pauses_as_before(coach: ReflectionService, nurse) -> None:
    assert "Paused. Everything you entered is saved" in _after_ctrl_c(coach, nurse, "")


def test_a_40000_character_multi_line_paste_is_saved_whole(
    coach: ReflectionService, nurse: Person, repository: InMemoryReflectionRepository
) -> None:
    text = _long_text(MAX_ANSWER_CHARS)
    assert len(text) == MAX_ANSWER_CHARS
    keys = "c\r" + "\r" + _pasted(text) + "\r" + "3\r" + "\x04"
    console = Console(file=io.StringIO(), width=110, color_system=None)
    with Typist(keys) as pipe:
        read = PromptReader(
            limit=MAX_ANSWER_CHARS, too_long=TOO_LONG, input=pipe, output=DummyOutput()
        )
        TerminalChat(coach, nurse, console, read=read).run()
    (reflection,) = repository.rows.values()
    assert reflection.answers["C1"].text == text


def test_an_entry_over_the_limit_is_not_sent_and_the_person_is_told_nothing_was_cut() -> None:
    said: list[str] = []
    with create_pipe_input() as pipe:
        read = PromptReader(
            limit=MAX_ANSWER_CHARS, too_long=TOO_LONG, input=pipe, output=DummyOutput()
        )
        buffer = read.session.default_buffer

        def person() -> None:
            pipe.send_text(_pasted("x" * (MAX_ANSWER_CHARS + 2)) + "\r")
            for _ in range(500):  # until the prompt refuses it (at most a few seconds)
                if buffer.validation_error is not None:
                    said.append(buffer.validation_error.message)
                    break
                time.sleep(0.01)
            pipe.send_text("\x7f\x7f\r")  # two backspaces, then Enter

        typing = threading.Thread(target=person)
        typing.start()
        got = read("> ")
        typing.join()
    assert said == ["That is 40,002 characters; the limit is 40,000. Nothing was cut."]
    assert got == "x" * MAX_ANSWER_CHARS, "sent once shortened to the limit, not before"


def test_at_a_real_terminal_a_10000_character_paste_arrives_whole(monkeypatch) -> None:
    """A pty, as `lif-coach chat` runs in: input() here cut a line at 4,095 characters."""
    monkeypatch.setenv("PROMPT_TOOLKIT_NO_CPR", "1")  # no terminal here to answer where it is
    master, slave = os.openpty()
    stdin, stdout = os.fdopen(slave, "r"), os.fdopen(os.dup(slave), "w")
    text = _long_text(10_000)

    def type_it() -> None:
        drawn = b""  # paste once the prompt is drawn: before, the terminal is still line-buffered
        while b">" not in drawn:
            drawn += os.read(master, 65_536)
        os.write(master, (_pasted(text) + "\r").encode())
        while True:  # read what the prompt draws, so the terminal never fills up
            try:
                if not os.read(master, 65_536):
                    return
            except OSError:
                return

    read = make_reader(limit=MAX_ANSWER_CHARS, too_long=TOO_LONG, stdin=stdin, stdout=stdout)
    assert isinstance(read, PromptReader)
    typist = threading.Thread(target=type_it, daemon=True)
    typist.start()
    try:
        assert read("> ") == text
    finally:
        stdin.close(), stdout.close(), os.close(master)


def test_without_a_terminal_whole_lines_are_read_however_long() -> None:
    stdin = io.StringIO("x" * 10_000 + "\nsecond\n")
    read = make_reader(limit=MAX_ANSWER_CHARS, too_long=TOO_LONG, stdin=stdin, stdout=io.StringIO())
    assert isinstance(read, LineReader)
    assert read("> ") == "x" * 10_000 and read("> ") == "second"
    with pytest.raises(EOFError):
        read("> ")
