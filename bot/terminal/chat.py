"""TerminalChat: a whole reflection at the keyboard, driving the same engine as Slack."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.console import Console
from rich.markup import escape

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError, InvalidInput, PatientDataWarning
from bot.coaching.followup.service import FollowUpService
from bot.coaching.guard import PatientDataChoice, redact
from bot.coaching.models import Person
from bot.coaching.views import Outcome, StepView, SummaryView
from bot.terminal.entry import Interrupted
from bot.terminal.render import (
    PATIENT_DATA_CHOICES,
    render_answer,
    render_introduction,
    render_menu,
    render_summary,
    render_summary_menu,
)
from bot.terminal.starting import Starting
from bot.terminal.steps import Paused, StepDialogue

T = TypeVar("T")
SCOPE_KEYS = {"a": "all", "l": "leadership", "i": "improvement", "c": "care_delivery"}
PAUSED = (
    "Paused. Everything you entered is saved: run [bold]lif-coach chat[/] any time to carry on."
)
CARRY_ON = "Run [bold]lif-coach chat[/] any time to carry on."
GOODBYE = "Goodbye for now. Run [bold]lif-coach chat[/] whenever you want to reflect again."


class Quit(Exception):
    """The person asked to stop (q, p, Ctrl-D or Ctrl-C); `unsaved` is what they were typing."""

    def __init__(self, unsaved: str = "") -> None:
        super().__init__()
        self.unsaved = unsaved


class TerminalChat:
    """Reads the person's input, calls one service method per action, and renders the result."""

    def __init__(
        self,
        service: ReflectionService,
        person: Person,
        console: Console,
        read: Callable[[str], str] = input,
        followup: FollowUpService | None = None,
    ) -> None:
        self.service = service
        self.person = person
        self.console = console
        self._read = read
        self.followup = followup  # None: no check-ins or progress (e.g. no database for them)
        self.labels = {level.value: level.label for level in service.questions.rating_scale}
        self.starting = Starting(service, person, console, self.ask)

    def run(self) -> None:
        """The whole session: introduction, menu, steps, summary; pausing saves nothing extra."""
        try:
            self._start()
        except Quit as stop:
            unfinished = self.service.resume_info(self.person) is not None
            if stop.unsaved.strip():
                unsaved = self.service.texts["typed_not_saved"].format(count=len(stop.unsaved))
                self.console.print(f"[yellow]{escape(unsaved)}[/] {CARRY_ON}")
            else:
                self.console.print(PAUSED if unfinished else GOODBYE)

    def ask(self, prompt: str) -> str:
        """One entry, whole (a long paste, several lines); end of input or Ctrl-C means pause."""
        try:
            return self._read(prompt).strip()
        except Interrupted as interrupted:
            self.console.print()
            raise Quit(interrupted.typed) from None
        except (EOFError, KeyboardInterrupt):
            self.console.print()
            raise Quit from None

    def _start(self) -> None:
        intro = self.service.introduction(self.person)
        self.console.print(render_introduction(intro))
        if intro.role_question:
            self.console.print(f"[green]{escape(intro.role_question)}[/]")
            self.service.set_role(self.person, self.ask("Your role: "))
        while True:
            intro = self.service.introduction(self.person)
            self.console.print(render_menu(intro))
            if self.followup and intro.has_summary:
                self.console.print("[bold cyan]n[/]  My progress, check-ins and chart")
            entry = self.ask("> ")
            if self._asked(entry):
                continue
            choice = entry.lower()
            if choice == "q":
                raise Quit
            if choice == "n" and self.followup and intro.has_summary:
                self._progress()
                continue
            can_resume = intro.resume is not None or bool(intro.set_aside)
            outcome = self._choose(choice, can_resume, intro.has_summary)
            if outcome is not None:
                self._drive(outcome)

    def _choose(self, choice: str, can_resume: bool, has_summary: bool) -> Outcome | None:
        try:
            if choice == "r" and can_resume:
                return self.starting.resume()
            if choice in SCOPE_KEYS:
                return self.starting.start(SCOPE_KEYS[choice])
            if choice == "v" and has_summary:
                return self.service.last_summary(self.person)
        except CoachingError as error:
            self._problem(error)
            return None
        self.console.print("[yellow]Please choose one of the letters shown.[/]")
        return None

    def _drive(self, outcome: Outcome) -> None:
        dialogue = StepDialogue(
            self.service,
            self.person,
            self.console,
            ask=self.ask,
            asked=self._asked,
            guarded=self._guarded,
            labels=self.labels,
        )
        try:
            while isinstance(outcome, StepView):
                outcome = dialogue.run(outcome)
        except Paused:
            raise Quit from None
        self._summary(outcome)

    def _guarded(
        self, text: str, save: Callable[[str, PatientDataChoice], T]
    ) -> tuple[T, str] | None:
        """Save through the patient-data warning: (result, text as saved), or None."""
        choice = PatientDataChoice.CHECK
        while True:
            try:
                result = save(text, choice)
            except PatientDataWarning as warning:
                choice, text = self._patient_data_choice(warning, text)
                if not text.strip():
                    self.console.print("[yellow]Nothing was saved.[/]")
                    return None
                continue
            return result, redact(text) if choice == PatientDataChoice.REDACT else text

    def _patient_data_choice(
        self, warning: PatientDataWarning, text: str
    ) -> tuple[PatientDataChoice, str]:
        """Ask how to go on after a patient-data warning: redact, edit or keep."""
        self.console.print(f"[yellow]{escape(warning.message)}[/]")
        self.console.print(f"[dim]With them removed: {escape(warning.redacted)}[/]")
        self.console.print(PATIENT_DATA_CHOICES)
        while True:
            answer = self.ask("> ").lower()
            if answer == "r":
                return PatientDataChoice.REDACT, text
            if answer == "k":
                return PatientDataChoice.KEEP, text
            if answer == "e":
                return PatientDataChoice.CHECK, self.ask("Your edited text: ")
            self.console.print("[yellow]Type r, e or k.[/]")

    def _asked(self, entry: str) -> bool:
        """Answer `?? question` about the framework; whether the entry was one."""
        if not entry.startswith("??"):
            return False
        try:
            self.console.print(render_answer(self.service.ask(self.person, entry[2:])))
        except CoachingError as error:
            self._problem(error)
        return True

    def _summary(self, summary: SummaryView) -> None:
        if summary.fallback_notice:
            self.console.print(f"[dim yellow]{escape(summary.fallback_notice)}[/]")
        while True:
            self.console.print(render_summary(summary))
            self.console.print(render_summary_menu(summary))
            entry = self.ask("> ")
            if entry.lower() == "q":
                return
            if self._asked(entry):
                continue
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
            self._schedule_check_ins()
            return confirmed
        if command == "b" and not args:
            return service.back(self.person, rid)
        if command == "g" and len(args) == 1:
            priority = self._priority(summary, args[0])
            goal = self.ask(f"Goal for {priority}: ")
            saved = self._guarded(
                goal,
                lambda goal, choice: service.set_goal(
                    self.person, rid, priority, goal, patient_data=choice
                ),
            )
            return saved[0] if saved else None
        if command == "s" and len(args) == 2:
            return service.swap(self.person, rid, self._priority(summary, args[0]), args[1].upper())
        if command == "d" and len(args) == 1:
            return service.drop(self.person, rid, self._priority(summary, args[0]))
        if command == "+" and len(args) == 1:
            return service.add_priority(self.person, rid, args[0].upper())
        if command == "r" and len(args) == 1:  # back to an attribute skipped or unrated
            return service.go_to(self.person, rid, args[0].upper())
        self.console.print("[yellow]I didn't understand that; use one of the commands shown.[/]")
        return None

    def _priority(self, summary: SummaryView, number: str) -> str:
        if not number.isdigit() or not 1 <= int(number) <= len(summary.priorities):
            raise InvalidInput(f"Choose a priority number from 1 to {len(summary.priorities)}.")
        return summary.priorities[int(number) - 1].attribute.id

    def _progress(self) -> None:
        from bot.terminal.progress import ProgressScreen

        assert self.followup is not None
        ProgressScreen(self.followup, self.person, self.console, self.ask, self.labels).run()

    def _schedule_check_ins(self) -> None:
        """After confirming: plan the follow-up check-ins and say when the first one is."""
        if self.followup is not None:
            view = self.followup.start_after_confirm(self.person)
            self.console.print(f"[green]{escape(view.message)}[/]")

    def _problem(self, error: CoachingError) -> None:
        self.console.print(f"[yellow]{escape(error.message)}[/]")
