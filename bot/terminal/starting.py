"""Starting, resuming and reopening at the keyboard: nothing unfinished is ever dropped unasked.

Starting anew with a reflection unfinished asks first (resume it, or start a new one and set it
aside); every start asks quick or deep, Enter keeping the way the person last reflected; `r`
resumes, or lists the reflections set aside, newest first, to reopen one.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Mode, Person
from bot.coaching.views import Outcome, ResumeInfo

MODE_KEYS = {"1": Mode.QUICK, "2": Mode.DEEP, "quick": Mode.QUICK, "deep": Mode.DEEP}


class Starting:
    """The questions asked before the first step of a reflection."""

    def __init__(
        self,
        service: ReflectionService,
        person: Person,
        console: Console,
        ask: Callable[[str], str],
    ) -> None:
        self.service = service
        self.person = person
        self.console = console
        self.ask = ask
        self.texts = service.texts

    def start(self, scope: str) -> Outcome | None:
        """The first step of a new reflection, or the one resumed; None to go back to the menu."""
        unfinished = self.service.resume_info(self.person)
        if unfinished is not None:
            choice = self._unfinished(unfinished)
            if choice == "r":
                return self.service.resume(self.person)
            if choice != "n":
                return None
        mode = self._mode()
        if mode is None:
            return None
        step = self.service.start(self.person, scope, mode=mode, set_aside=unfinished is not None)
        if unfinished is not None:
            self._say_set_aside(unfinished)
        return step

    def resume(self) -> Outcome | None:
        """The unfinished reflection, or one set aside that the person picks to reopen."""
        active = self.service.resume_info(self.person)
        aside = self.service.set_aside(self.person)
        if not aside:
            return self.service.resume(self.person) if active else None
        listing = ([active] if active else []) + aside
        for number, info in enumerate(listing, start=1):
            self.console.print(f"[bold cyan]{number}[/]  {escape(info.line)}")
        self.console.print(escape(self.texts["terminal_choose_resume"]))
        entry = self.ask("> ").strip()
        if not entry.isdigit() or not 1 <= int(entry) <= len(listing):
            return None
        chosen = listing[int(entry) - 1]
        if not chosen.set_aside:
            return self.service.resume(self.person)
        outcome = self.service.reopen(self.person, chosen.reflection_id)
        if active is not None:
            self._say_set_aside(active)
        return outcome

    def _unfinished(self, unfinished: ResumeInfo) -> str:
        self.console.print(f"[yellow]{escape(unfinished.question)}[/]")
        self.console.print(
            "[bold cyan]r[/]  Resume it · [bold cyan]n[/]  Start a new one (it is set aside, "
            "and can be reopened with r) · Enter: back to the menu"
        )
        return self.ask("> ").strip().lower()

    def _mode(self) -> Mode | None:
        """Quick or deep; Enter keeps the way the person last reflected (quick the first time)."""
        remembered = self.service.repository.mode_for(self.person)
        self.console.print(escape(self.texts["mode_question"]))
        self.console.print(f"[bold cyan]1[/]  {escape(self.texts['mode_quick'])}")
        self.console.print(f"[bold cyan]2[/]  {escape(self.texts['mode_deep'])}")
        default = remembered or Mode.QUICK
        hint = self.texts["terminal_mode_default" if remembered else "terminal_mode_first"]
        self.console.print(f"[dim]{escape(hint.format(mode=default.value))}[/]")
        while True:
            entry = self.ask("> ").strip().lower()
            if entry == "":
                return default
            if entry in MODE_KEYS:
                return MODE_KEYS[entry]
            self.console.print("[yellow]Type 1 for quick or 2 for deep.[/]")

    def _say_set_aside(self, info: ResumeInfo) -> None:
        message = self.texts["set_aside"].format(
            scope=self.service.scope_name(info.scope), answered=info.answered, total=info.total
        )
        self.console.print(f"[dim]{escape(message)}[/]")
