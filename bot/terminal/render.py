"""Pure rich renderables for the terminal chat."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.coaching.models import Mode
from bot.coaching.views import AskView, Introduction, Signpost, StepView, SummaryView

COMMANDS_HELP = (
    "Type your thoughts and press Enter (optional), and a rating from 1 to 5, in either order.\n"
    "Commands: [bold]s[/] skip · [bold]b[/] back · [bold]m[/] quick or deep · [bold]p[/] pause · "
    "[bold]?[/] help · [bold]?? question[/] ask about the framework"
)
PATIENT_DATA_CHOICES = (
    "[bold cyan]r[/] save it with those details removed · [bold cyan]e[/] edit it · "
    "[bold cyan]k[/] keep as written (it is not patient data)"
)


def render_introduction(intro: Introduction) -> RenderableType:
    """The welcome panel: the framework, the time it takes and privacy."""
    domains = " · ".join(f"{name} ({count})" for _, name, count in intro.domains)
    body = Group(
        Text(intro.coach_intro),
        Text(""),
        Text(intro.what_is_it, style="dim"),
        Text(f"\nThe three domains: {domains}.", style="bold"),
        Text(intro.intersection),
        Text(""),
        Text(intro.time_estimate),
        Text(intro.privacy, style="italic"),
    )
    return Panel(body, title=f"[bold]{escape(intro.framework_name)}[/]", border_style="cyan")


def render_menu(intro: Introduction) -> RenderableType:
    """The choices at the start."""
    lines = []
    if intro.resume:
        lines.append(f"[bold cyan]r[/]  Resume: {escape(intro.resume.message)}")
    elif intro.set_aside:
        lines.append(f"[bold cyan]r[/]  Reopen a reflection set aside ({len(intro.set_aside)})")
    lines += [
        "[bold cyan]a[/]  All three domains",
        "[bold cyan]l[/]  Leadership",
        "[bold cyan]i[/]  Improvement",
        "[bold cyan]c[/]  Care delivery systems",
    ]
    if intro.has_summary:
        lines.append("[bold cyan]v[/]  View my last priority areas")
    lines.append("[bold cyan]?? question[/]  Ask about the framework")
    lines.append("[bold cyan]q[/]  Quit")
    return Panel("\n".join(lines), title="What would you like to do?", border_style="cyan")


def render_step(step: StepView, labels: dict[int, str]) -> RenderableType:
    """One attribute: position, statement, context, question, scale and any earlier answer."""
    parts: list[RenderableType] = [
        Text(f"{step.domain_name}: {step.lead_in}", style="dim"),
        Text(step.attribute.statement, style="bold"),
    ]
    if step.context:
        parts += [Text(""), Text(step.context, style="dim italic")]
    parts += [Text(""), _question(step)]
    if not step.waits_for_rating:
        parts += [Text(""), Text.from_markup(f"{escape(step.rating_question)}  {_scale(step)}")]
    if step.answer and (step.answer.rating or step.answer.text):
        parts.append(Text(_earlier(step, labels), style="yellow"))
    if step.fallback_notice:
        parts += [Text(""), Text(step.fallback_notice, style="dim yellow")]
    title = f"[bold]{escape(step.heading)}[/]"
    if step.total != step.domain_size:
        title += f"  ·  {step.index + 1} of {step.total} overall"
    return Panel(Group(*parts), title=title, title_align="left", border_style="blue")


def render_stage(step: StepView) -> RenderableType:
    """The next question on the same attribute (or the rating it waits for), without the panel."""
    return _question(step)


def _question(step: StepView) -> Text:
    if step.waits_for_rating:
        return Text.from_markup(f"[bold green]{escape(step.question.text)}[/]  {_scale(step)}")
    text = Text()
    if step.stage_label:
        text.append(f"{step.stage_label} ", style="bold")
        text.append(f"({step.stage_number} of {step.stage_count}) ", style="dim")
    text.append(step.question.text, style="green")
    return text


def _scale(step: StepView) -> str:
    return "  ".join(f"[bold]{level.value}[/] {escape(level.label)}" for level in step.rating_scale)


def _earlier(step: StepView, labels: dict[int, str]) -> str:
    answer = step.answer
    assert answer is not None
    said = []
    if answer.rating:
        said.append(f"rated {answer.rating} ({labels[answer.rating]})")
    if answer.text:
        preview = answer.text if len(answer.text) <= 120 else answer.text[:117] + "..."
        said.append(f'wrote "{preview}"')
    keeps = step.waits_for_rating or step.mode == Mode.QUICK  # else Enter skips the question
    return "Earlier you " + " and ".join(said) + (". Enter keeps it." if keeps else ".")


def render_summary(summary: SummaryView) -> RenderableType:
    """The priority areas with rationales, goals and the note across domains."""
    table = Table(show_lines=True, expand=True, border_style="magenta")
    table.add_column("#", justify="right", width=2)
    table.add_column("Priority area", ratio=2)
    table.add_column("Why", ratio=3)
    table.add_column("Goal", ratio=2)
    for priority in summary.priorities:
        attribute = priority.attribute
        table.add_row(
            str(priority.rank),
            Text(f"{attribute.id} {attribute.short_name}\n", style="bold")
            + Text(priority.domain_name, style="dim"),
            Text(priority.rationale),
            Text(priority.goal or "(none yet)", style="" if priority.goal else "dim"),
        )
    status = "confirmed" if summary.confirmed else "proposed: confirm, swap or drop"
    notes: list[RenderableType] = [Text(""), Text(summary.domain_note, style="italic")]
    for offer in (summary.offers.suggested_note, summary.offers.skipped_note):
        if offer:
            notes += [Text(""), Text(offer, style="cyan")]
    return Panel(
        Group(table, *notes),
        title=f"Your priority areas ({status})",
        border_style="magenta",
    )


def render_summary_menu(summary: SummaryView) -> RenderableType:
    """How to edit the priority areas."""
    candidates = ", ".join(f"{a.id} {a.short_name}" for a in summary.candidates[:5]) or "none"
    lines = ["[bold cyan]g N[/]        add or change the goal of priority N"]
    if not summary.confirmed:
        lines = [
            "[bold cyan]c[/]          confirm these priorities",
            *lines,
            "[bold cyan]s N ID[/]     swap priority N for attribute ID (next in line: "
            f"{escape(candidates)})",
            "[bold cyan]d N[/]        drop priority N",
            "[bold cyan]+ ID[/]       add attribute ID, from any domain, as a priority",
            "[bold cyan]b[/]          go back to the last step",
        ]
        if summary.offers.skipped:
            skipped = ", ".join(a.id for a in summary.offers.skipped)
            lines.append(f"[bold cyan]r ID[/]       go back to a skipped attribute ({skipped})")
    lines.append("[bold cyan]q[/]          done for now")
    return Panel("\n".join(lines), border_style="magenta")


def render_answer(view: AskView) -> RenderableType:
    """The answer to a question about the framework, with the attributes it draws on."""
    parts: list[RenderableType] = [Text(view.answer)]
    if any(c.attribute.id not in view.answer for c in view.citations):
        cited = ", ".join(f"{c.attribute.id} {c.attribute.short_name}" for c in view.citations)
        parts += [Text(""), Text(f"From the framework: {cited}", style="dim")]
    if view.fallback_notice:
        parts += [Text(""), Text(view.fallback_notice, style="dim yellow")]
    return Panel(Group(*parts), title="About the framework", border_style="cyan")


def render_signpost(signpost: Signpost) -> RenderableType:
    """The kind note pointing to support, after words of distress."""
    contacts = "\n".join(f"• {contact}" for contact in signpost.contacts)
    body = Group(Text(signpost.message), Text(contacts), Text(""), Text(signpost.closing))
    return Panel(body, border_style="green")
