"""Reading what a person types in the terminal, whole: long pastes, several lines, Ctrl-C.

Python's input() at a terminal reads in the tty's canonical mode, where the kernel cuts a line at
4,095 characters: a long paste was saved cut short. prompt_toolkit reads in raw mode with
bracketed paste, so a pasted text of any length and any number of lines arrives as one entry;
Enter sends it, Alt-Enter (or Esc then Enter) starts a new line. An entry over the limit is not
sent: the person is told, and it stays in the input to shorten. Ctrl-C carries what was typed
so far, so the chat can say plainly that it was not saved.

When stdin is not a terminal (a pipe, a script, a test) whole lines are read as they come:
there is no tty and so no cut.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import create_output
from prompt_toolkit.validation import ValidationError, Validator

Read = Callable[[str], str]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C; `typed` is what was in the input then, never saved."""

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed


class _WithinLimit(Validator):
    """Refuses to send an entry longer than the limit, saying so; the entry stays to shorten."""

    def __init__(self, limit: int, message: str) -> None:
        self.limit = limit
        self.message = message

    def validate(self, document: Any) -> None:
        length = len(document.text)
        if length > self.limit:
            raise ValidationError(
                cursor_position=min(self.limit, length),
                message=self.message.format(count=length, limit=self.limit),
            )


def _key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("escape", "enter")
    def _new_line(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    @bindings.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=Interrupted(event.current_buffer.text))

    return bindings


class PromptReader:
    """One entry per call, read with prompt_toolkit; EOFError on Ctrl-D, Interrupted on Ctrl-C."""

    def __init__(self, *, limit: int, too_long: str, input: Any = None, output: Any = None) -> None:
        self.session: PromptSession[str] = PromptSession(
            key_bindings=_key_bindings(),
            validator=_WithinLimit(limit, too_long),
            validate_while_typing=False,
            enable_history_search=False,
            input=input,
            output=output,
        )

    def __call__(self, prompt: str) -> str:
        return self.session.prompt(prompt)


class LineReader:
    """Whole lines from a stream that is not a terminal (no tty, so nothing cuts them)."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin = stdin
        self.stdout = stdout

    def __call__(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.removesuffix("\n").removesuffix("\r")


def make_reader(
    *, limit: int, too_long: str, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> Read:
    """prompt_toolkit at a terminal; whole lines otherwise."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    if stdin.isatty() and stdout.isatty():
        return PromptReader(
            limit=limit, too_long=too_long, input=create_input(stdin), output=create_output(stdout)
        )
    return LineReader(stdin, stdout)
