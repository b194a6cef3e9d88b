"""TerminalChat: a whole reflection at the keyboard, driving the same engine as Slack."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError, InvalidInput
from bot.coaching.models import Person
from bot.coaching.views import Outcome, StepView, SummaryView
from bot.terminal.render import (
    COMMANDS_HELP,
    render_introduction,
    render_menu,
    render_step,
    render_summary,
    render_summary_menu,
)

SCOPE_KEYS = {"a": "all", "l": "leadership", "i": "improvement", "c": "care_delivery"}
PAUSED = (
    "Paused. Everything you entered is saved: run [bold]lif-coach chat[/] any time to carry on."
)
GOODBYE = "Goodbye for now. Run [bold]lif-coach chat[/] whenever you want to reflect again."


class Quit(Exception):
    """The person asked to stop (q, p, Ctrl-D or Ctrl-C)."""


class TerminalChat:
    """Reads the person's input, calls one service method per action, and renders the result."""

    def __init__(
        self,
        service: ReflectionService,
        person: Person,
        console: Console,
        read: Callable[[str], str] = input,
    ) -> None:
        self.service = service
        self.person = person
        self.console = console
        self._read = read
        self.labels = {level.value: level.label for level in service.questions.rating_scale}

    def run(self) -> None:
        """The whole session: introduction, menu, steps, summary; pausing saves nothing extra."""
        try:
            self._start()
        except Quit:
            unfinished = self.service.resume_info(self.person) is not None
            self.console.print(PAUSED if unfinished else GOODBYE)

    def ask(self, prompt: str) -> str:
        """One line of input; end of input or Ctrl-C means pause."""
        try:
            return self._read(prompt).strip()
        except (EOFError, KeyboardInterrupt):
            self.console.print()
            raise Quit from None

    def _start(self) -> None:
        intro = self.service.introduction(self.person)
        self.console.print(render_introduction(intro))
        while True:
            intro = self.service.introduction(self.person)
            self.console.print(render_menu(intro))
            choice = self.ask("> ").lower()
            if choice == "q":
                raise Quit
            outcome = self._choose(choice, intro.resume is not None, intro.has_summary)
            if outcome is not None:
                self._drive(outcome)

    def _choose(self, choice: str, can_resume: bool, has_summary: bool) -> Outcome | None:
        try:
            if choice == "r" and can_resume:
                return self.service.resume(self.person)
            if choice in SCOPE_KEYS:
                return self.service.start(self.person, SCOPE_KEYS[choice])
            if choice == "v" and has_summary:
                return self.service.last_summary(self.person)
        except CoachingError as error:
            self._problem(error)
            return None
        self.console.print("[yellow]Please choose one of the letters shown.[/]")
        return None

    def _drive(self, outcome: Outcome) -> None:
        while isinstance(outcome, StepView):
            outcome = self._step(outcome)
        self._summary(outcome)

    def _step(self, step: StepView) -> Outcome:
        self.console.print(render_step(step, self.labels))
        self.console.print(f"[dim]{COMMANDS_HELP}[/]")
        while True:
            entry = self.ask("> ")
            try:
                result = self._step_entry(step, entry)
            except CoachingError as error:
                self._problem(error)
                continue
            if result is not None:
                return result

    def _step_entry(self, step: StepView, entry: str) -> Outcome | None:
        service, rid, attribute_id = self.service, step.reflection_id, step.attribute.id
        command = entry.lower()
        if command in {"1", "2", "3", "4", "5"}:
            return service.rate(self.person, rid, attribute_id, int(command))
        if command == "s" or (command == "" and step.answer and step.answer.rating):
            return service.skip(self.person, rid, attribute_id)
        if command == "b":
            return service.back(self.person, rid)
        if command in {"p", "q"}:
            raise Quit
        if command in {"?", "h", "help"}:
            self.console.print(COMMANDS_HELP)
        elif command == "":
            self.console.print("[yellow]Type a rating from 1 to 5, or s to skip.[/]")
        elif command.isdigit() or (command.lstrip("-").isdigit()):
            self.console.print("[yellow]A rating is a whole number from 1 to 5.[/]")
        else:
            self._write(step, entry)
        return None

    def _write(self, step: StepView, text: str) -> None:
        links = self.service.write(self.person, step.reflection_id, step.attribute.id, text)
        self.console.print("[green]Saved.[/] Now your rating, 1 to 5.")
        for link in links:
            self.console.print(f"[cyan]{escape(link.message)}[/]")

    def _summary(self, summary: SummaryView) -> None:
        while True:
            self.console.print(render_summary(summary))
            self.console.print(render_summary_menu(summary))
            entry = self.ask("> ")
            if entry.lower() == "q":
                return
            try:
                outcome = self._summary_entry(summary, entry)
            except CoachingError as error:
                self._problem(error)
                continue
            if isinstance(outcome, StepView):
                return self._drive(outcome)
            summary = outcome or summary

    def _summary_entry(self, summary: SummaryView, entry: str) -> Outcome | None:
        service, rid = self.service, summary.reflection_id
        command, *args = entry.split() or [""]
        command = command.lower()
        if command == "c" and not args:
            confirmed = service.confirm(self.person, rid)
            self.console.print("[green]Confirmed. Your priority areas are saved.[/]")
            return confirmed
        if command == "b" and not args:
            return service.back(self.person, rid)
        if command == "g" and len(args) == 1:
            priority = self._priority(summary, args[0])
            goal = self.ask(f"Goal for {priority}: ")
            return service.set_goal(self.person, rid, priority, goal)
        if command == "s" and len(args) == 2:
            return service.swap(self.person, rid, self._priority(summary, args[0]), args[1].upper())
        if command == "d" and len(args) == 1:
            return service.drop(self.person, rid, self._priority(summary, args[0]))
        if command == "+" and len(args) == 1:
            return service.add_priority(self.person, rid, args[0].upper())
        self.console.print("[yellow]I didn't understand that; use one of the commands shown.[/]")
        return None

    def _priority(self, summary: SummaryView, number: str) -> str:
        if not number.isdigit() or not 1 <= int(number) <= len(summary.priorities):
            raise InvalidInput(f"Choose a priority number from 1 to {len(summary.priorities)}.")
        return summary.priorities[int(number) - 1].attribute.id

    def _problem(self, error: CoachingError) -> None:
        self.console.print(f"[yellow]{escape(error.message)}[/]")
