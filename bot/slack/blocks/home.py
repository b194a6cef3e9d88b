"""The App Home tab: the reflection in progress, the confirmed priority areas, and start."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.coaching.views import Introduction, SummaryView
from bot.slack.blocks import wording
from bot.slack.blocks.intro import resume_button, start_buttons, summary_button
from bot.slack.blocks.kit import actions, context, divider, header, section
from bot.slack.blocks.summary import priority_text
from bot.slack.blocks.text import BLOCKS_BUDGET, SECTION_TEXT, VIEW_BLOCKS, escape, share

_MAX_PRIORITIES = VIEW_BLOCKS - 20  # leaves room for everything else on the tab


def build_home_view(intro: Introduction, last: SummaryView | None) -> dict[str, Any]:
    """Home: resume what is in progress, see priority areas and goals, or start again."""
    blocks: list[Block] = [header(wording.HOME_TITLE), section(escape(intro.coach_intro))]
    if intro.resume is not None:
        blocks.append(
            section(wording.HOME_IN_PROGRESS.format(message=escape(intro.resume.message)))
        )
        blocks.append(actions([resume_button(intro.resume.reflection_id)]))
    blocks.append(divider())
    blocks.extend(_priorities(last))
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
