"""Progress in the terminal: priorities, goals, the check-in timeline, the next check-in, and a
chart written to a file. Drives the same FollowUpService as Slack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.charts import render_ratings_chart, snapshots_from
from bot.coaching.errors import CoachingError
from bot.coaching.followup.models import CheckInResponse
from bot.coaching.followup.service import FollowUpService
from bot.coaching.followup.views import CheckInOutcome, ProgressView
from bot.coaching.models import Person

RESPONSE_KEYS = dict(zip("1234", CheckInResponse, strict=True))
MENU = (
    "[bold cyan]k[/] check in now · [bold cyan]w FILE[/] write a chart of your ratings (PNG) · "
    "[bold cyan]q[/] back"
)


def render_progress(view: ProgressView) -> RenderableType:
    """Priorities with goals, then every check-in, then when the next one is."""
    goals = Table(expand=True, border_style="green", title="Priority areas and goals")
    for column in ("Priority area", "Rating", "Goal"):
        goals.add_column(column)
    for p in view.priorities:
        goals.add_row(
            f"{p.attribute.id} {p.attribute.short_name}",
            str(p.rating or "–"),
            Text(p.goal or "(none yet)", style="" if p.goal else "dim"),
        )
    timeline = Table(expand=True, border_style="green", title="Check-ins")
    for column in ("Date", "Priority", "How it went", "Note"):
        timeline.add_column(column)
    for entry in view.timeline:
        name = f"{entry.attribute.id} {entry.attribute.short_name}" if entry.attribute else ""
        timeline.add_row(f"{entry.day:%-d %b %Y}", name, entry.label, Text(entry.note or ""))
    if not view.timeline:
        timeline.add_row("", "No check-ins yet.", "", "")
    following = view.schedule.message if view.schedule else "No check-ins are planned."
    return Panel(Group(goals, timeline, Text(following, style="italic")), title="Your progress")


def render_outcome(outcome: CheckInOutcome) -> RenderableType:
    """What the coach says back after a check-in."""
    parts: list[RenderableType] = [Text(outcome.acknowledgement, style="green")]
    if outcome.prompt:
        parts.append(Text(outcome.prompt, style="bold"))
    if outcome.related:
        parts.append(Text(outcome.related.message, style="cyan"))
        if outcome.related.context:
            parts.append(Text(outcome.related.context, style="dim"))
    return Group(*parts)


class ProgressScreen:
    """The person's progress, a check-in and a chart, at the keyboard."""

    def __init__(
        self,
        followup: FollowUpService,
        person: Person,
        console: Console,
        ask: Callable[[str], str],
        labels: dict[int, str],
    ) -> None:
        self.followup = followup
        self.person = person
        self.console = console
        self.ask = ask
        self.labels = labels

    def run(self) -> None:
        """Show progress and handle k, w FILE and q."""
        while True:
            self.console.print(render_progress(self.followup.progress(self.person)))
            self.console.print(MENU)
            command, _, rest = self.ask("> ").partition(" ")
            try:
                if command.lower() == "k":
                    self._check_in()
                elif command.lower() == "w" and rest.strip():
                    self._chart(Path(rest.strip()).expanduser())
                elif command.lower() in ("q", ""):
                    return
                else:
                    self.console.print("[yellow]Type k, w FILE or q.[/]")
            except CoachingError as error:
                self.console.print(f"[yellow]{escape(error.message)}[/]")

    def _check_in(self) -> None:
        labels = self.followup.texts.responses
        choices = " · ".join(f"[bold cyan]{k}[/] {labels[r]}" for k, r in RESPONSE_KEYS.items())
        self.console.print(f"What have you tried? {choices}")
        response = RESPONSE_KEYS.get(self.ask("> ").strip())
        if response is None:
            self.console.print("[yellow]Choose 1, 2, 3 or 4.[/]")
            return
        note = self.ask("A note for yourself (optional): ") or None
        outcome = self.followup.record_check_in(self.person, response, note=note)
        self.console.print(render_outcome(outcome))

    def _chart(self, path: Path) -> None:
        reflections = self.followup.completed_reflections(self.person)
        if not reflections:
            self.console.print("[yellow]Confirm a reflection first: there is nothing to chart.[/]")
            return
        chart = render_ratings_chart(
            self.followup.framework, snapshots_from(reflections), self.labels
        )
        path.write_bytes(chart.png)
        self.console.print(f"[green]Chart written to {escape(str(path))}.[/]")
        self.console.print(Text(chart.alt_text, style="dim"))
