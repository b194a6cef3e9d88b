"""One attribute at the keyboard: the rating and the reflective cycle's questions, every word kept.

Words answer the question shown (a reply on a question already answered is added to it, and the
person is told so); a rating from 1 to 5 may come before or after them; Enter on its own skips
the question shown; `s` moves on from the whole attribute. Anything that looks like a number but
is not a rating is refused, never saved as a reflection.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError
from bot.coaching.guard import PatientDataChoice
from bot.coaching.models import Mode, Person
from bot.coaching.views import Outcome, Reply, StepView
from bot.terminal.render import COMMANDS_HELP, render_signpost, render_stage, render_step

NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")
RATINGS = {"1", "2", "3", "4", "5"}
Guarded = Callable[[str, Callable[[str, PatientDataChoice], Any]], Any]


class Paused(Exception):
    """The person asked to pause (p or q on a step)."""


class StepDialogue:
    """Shows a step and reads entries until the reflection moves on from it."""

    def __init__(
        self,
        service: ReflectionService,
        person: Person,
        console: Console,
        *,
        ask: Callable[[str], str],
        asked: Callable[[str], bool],
        guarded: Guarded,
        labels: dict[int, str],
    ) -> None:
        self.service = service
        self.person = person
        self.console = console
        self.ask = ask
        self.asked = asked  # answers `?? question`; whether the entry was one
        self.guarded = guarded  # saves through the patient-data warning
        self.labels = labels
        self.texts = service.texts

    def run(self, step: StepView) -> Outcome:
        """The outcome once the person has moved on from this attribute (or Paused)."""
        self.console.print(render_step(step, self.labels))
        self.console.print(f"[dim]{COMMANDS_HELP}[/]")
        self._hint(step)
        while True:
            try:
                outcome = self._entry(step, self.ask("> "))
            except CoachingError as error:
                self.console.print(f"[yellow]{escape(error.message)}[/]")
                continue
            if outcome is None:
                continue
            if not _same_step(outcome, step):
                return outcome
            assert isinstance(outcome, StepView)
            step = outcome
            self.console.print(render_stage(step))

    def _entry(self, step: StepView, entry: str) -> Outcome | None:
        service, rid, attribute_id = self.service, step.reflection_id, step.attribute.id
        command = entry.strip().lower()
        if self.asked(entry.strip()):
            return None
        if command in RATINGS:
            outcome = service.rate(self.person, rid, attribute_id, int(command))
            if _same_step(outcome, step):
                label = self.labels[int(command)]
                self.console.print(self.texts["terminal_rated"].format(rating=command, label=label))
            return outcome
        if command == "":
            return self._nothing_typed(step)
        if command == "s":
            return service.skip(self.person, rid, attribute_id)
        if command == "b":
            return service.back(self.person, rid)
        if command == "m":
            other = Mode.QUICK if step.mode == Mode.DEEP else Mode.DEEP
            self.console.print(f"[green]{escape(self._mode_text(other))}[/]")
            return service.set_mode(self.person, rid, other)
        if command in {"p", "q"}:
            raise Paused
        if command in {"?", "h", "help"}:
            self.console.print(COMMANDS_HELP)
            return None
        if NUMBER.match(command):
            self.console.print("[yellow]A rating is a whole number from 1 to 5.[/]")
            return None
        return self._words(step, entry)

    def _nothing_typed(self, step: StepView) -> Outcome | None:
        """Enter on its own: skip the question shown, or keep a rating given before."""
        service, rid, attribute_id = self.service, step.reflection_id, step.attribute.id
        rated = step.answer is not None and step.answer.rating is not None
        if step.waits_for_rating or step.mode == Mode.QUICK:
            if rated:
                return service.skip(self.person, rid, attribute_id)  # keeps the rating
            self.console.print("[yellow]Type a rating from 1 to 5, or s to skip.[/]")
            return None
        self.console.print(f"[dim]{escape(self.texts['terminal_skipped_question'])}[/]")
        return service.skip_question(self.person, rid, attribute_id)

    def _words(self, step: StepView, text: str) -> Outcome | None:
        saved = self.guarded(
            text,
            lambda text, choice: self.service.reply(
                self.person, step.reflection_id, step.attribute.id, text, patient_data=choice
            ),
        )
        if saved is None:
            return None
        reply: Reply = saved[0]
        for link in reply.links:
            self.console.print(f"[cyan]{escape(link.message)}[/]")
        self.console.print(f"[green]{escape(reply.notice)}[/]")
        if reply.signpost:
            self.console.print(render_signpost(reply.signpost))
        follow_up = self.service.follow_up(self.person, step.reflection_id, step.attribute.id)
        if follow_up:
            self.console.print(f"[green]{escape(follow_up)}[/]")
            self.console.print("[dim]Answer it if you like, or give your rating, 1 to 5.[/]")
            return None
        return reply.outcome

    def _hint(self, step: StepView) -> None:
        """How to answer, skip or rate; a quick step's panel and help say it already."""
        if step.mode == Mode.DEEP:
            key = "terminal_rating_hint" if step.waits_for_rating else "terminal_question_hint"
            self.console.print(f"[dim]{escape(self.texts[key])}[/]")

    def _mode_text(self, mode: Mode) -> str:
        return self.texts["mode_chosen"].format(mode=mode.value)


def _same_step(outcome: Outcome, step: StepView) -> bool:
    """Whether the reflection is still at this step's attribute (its next question, or rating)."""
    return (
        isinstance(outcome, StepView)
        and outcome.reflection_id == step.reflection_id
        and outcome.attribute.id == step.attribute.id
    )
