"""The App Home tab: the reflection in progress, the confirmed priority areas and goals, the
check-ins (next one, settings, a timeline of answers), the self-ratings chart, and start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block, ButtonElement
from slack_sdk.models.views import View

from bot.coaching.followup.views import ProgressView, RatingComparison, TimelineEntry
from bot.coaching.views import Introduction, SummaryView
from bot.slack import followup_ids as fids
from bot.slack.blocks import followup_wording as say
from bot.slack.blocks import wording
from bot.slack.blocks.followup import (
    ChartImage,
    chart_blocks,
    comparison_lines,
    day_name,
    settings_button,
)
from bot.slack.blocks.intro import resume_button, start_buttons, summary_button
from bot.slack.blocks.kit import actions, button, context, divider, header, section
from bot.slack.blocks.summary import priority_text
from bot.slack.blocks.text import (
    BLOCKS_BUDGET,
    SECTION_TEXT,
    VIEW_BLOCKS,
    cut,
    escape,
    mrkdwn,
    share,
)

_MAX_PRIORITIES = VIEW_BLOCKS - 30  # leaves room for everything else on the tab
TIMELINE_SHOWN = 10  # the latest check-ins; older ones are counted
TIMELINE_NOTE_CHARS = 200


@dataclass(frozen=True)
class HomeProgress:
    """The follow-up part of Home: progress, the uploaded chart and a before/after comparison."""

    view: ProgressView
    chart: ChartImage | None = None
    comparison: RatingComparison | None = None


def build_home_view(
    intro: Introduction, last: SummaryView | None, progress: HomeProgress | None = None
) -> dict[str, Any]:
    """Home: resume what is in progress, see priority areas, goals and progress, or start."""
    blocks: list[Block] = [header(wording.HOME_TITLE), section(escape(intro.coach_intro))]
    if intro.resume is not None:
        blocks.append(
            section(wording.HOME_IN_PROGRESS.format(message=escape(intro.resume.message)))
        )
        blocks.append(actions([resume_button(intro.resume.reflection_id)]))
    blocks.append(divider())
    blocks.extend(_priorities(last))
    if progress is not None and last is not None:
        blocks.append(divider())
        blocks.extend(_progress(progress))
    blocks.append(divider())
    blocks.append(section(wording.HOME_START))
    blocks.append(actions(start_buttons(intro), block_id="home.start"))
    blocks.append(context(escape(intro.privacy)))
    blocks.append(context(wording.HOME_CONTINUES))
    return View(type="home", blocks=blocks).to_dict()


def build_home_unavailable_view(message: str) -> dict[str, Any]:
    """Home when the reflections cannot be loaded (for example, the database is down)."""
    blocks = [
        header(wording.HOME_TITLE),
        section(escape(wording.HOME_UNAVAILABLE.format(message=message))),
    ]
    return View(type="home", blocks=blocks).to_dict()


def _priorities(last: SummaryView | None) -> list[Block]:
    if last is None or not last.priorities:
        return [context(wording.HOME_NO_PRIORITIES)]
    confirmed = last.summary.confirmed_at
    date = confirmed.strftime("%-d %B %Y") if confirmed else ""
    shown = last.priorities[:_MAX_PRIORITIES]
    chars = share(BLOCKS_BUDGET, len(shown), floor=300, ceiling=SECTION_TEXT)
    blocks: list[Block] = [section(wording.HOME_PRIORITIES.format(date=date))]
    blocks.extend(section(priority_text(priority, chars)) for priority in shown)
    blocks.append(actions([summary_button(last.reflection_id)]))
    return blocks


def _progress(progress: HomeProgress) -> list[Block]:
    """Check-ins (next one and settings), the timeline of answers, and the ratings chart."""
    schedule = progress.view.schedule
    said = schedule.message if schedule else say.NO_CHECK_INS
    blocks: list[Block] = [
        section(say.HOME_CHECK_INS.format(message=mrkdwn(said, SECTION_TEXT - 20)))
    ]
    blocks.append(actions(_check_in_controls(progress), block_id="home.check_ins"))
    blocks.append(section(_timeline(progress.view.timeline)))
    if progress.chart is not None:
        lines = comparison_lines(progress.comparison) if progress.comparison else []
        blocks.append(section(cut("\n".join([say.HOME_RATINGS, *lines]), SECTION_TEXT)))
        blocks.extend(chart_blocks(progress.chart))
    return blocks


def _check_in_controls(progress: HomeProgress) -> list[ButtonElement]:
    schedule = progress.view.schedule
    controls = [
        button(say.CHECK_IN_NOW, fids.CHECK_IN_NOW, "now", say.CHECK_IN_NOW_LABEL, style="primary")
    ]
    if schedule is not None and schedule.preferences.stopped:
        controls.append(button(say.RESUME, fids.RESUME, "resume", say.RESUME_LABEL))
    elif schedule is not None:
        controls.append(settings_button(say.SETTINGS, say.SETTINGS_LABEL))
    controls.append(
        button(
            say.REFLECT_AGAIN, fids.again(fids.PRIORITIES), fids.PRIORITIES, say.REFLECT_AGAIN_LABEL
        )
    )
    return controls


def _timeline(entries: list[TimelineEntry]) -> str:
    """The latest check-ins, newest first, with the person's notes (Home is theirs alone)."""
    if not entries:
        return f"{say.HOME_TIMELINE}\n{say.HOME_TIMELINE_EMPTY}"
    shown = list(reversed(entries))[:TIMELINE_SHOWN]
    chars = share(SECTION_TEXT - 200, len(shown), floor=120, ceiling=600)
    lines = [say.HOME_TIMELINE, *(_entry(entry, chars) for entry in shown)]
    if len(entries) > len(shown):
        lines.append(say.HOME_TIMELINE_MORE.format(count=len(entries) - len(shown)))
    return cut("\n".join(lines), SECTION_TEXT)


def _entry(entry: TimelineEntry, chars: int) -> str:
    attribute = (
        f"{entry.attribute.id} {escape(entry.attribute.short_name)}: " if entry.attribute else ""
    )
    line = say.HOME_TIMELINE_LINE.format(
        day=day_name(entry.day), attribute=attribute, label=escape(entry.label)
    )
    if entry.note:
        line += f"\n>{mrkdwn(entry.note.replace(chr(10), ' '), TIMELINE_NOTE_CHARS)}"
    return cut(line, chars)
