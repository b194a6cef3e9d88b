"""The introduction in the direct message, and the start buttons it shares with Home."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ButtonElement

from bot.coaching.views import Introduction
from bot.slack import ids
from bot.slack.blocks import wording
from bot.slack.blocks.kit import actions, button, context, header, section, to_dicts
from bot.slack.blocks.text import MESSAGE_TEXT, Message, escape, mrkdwn


def build_intro_message(intro: Introduction) -> Message:
    """What the framework is, what to expect, privacy, and buttons to start or resume."""
    blocks = [
        header(intro.framework_name),
        section(escape(intro.coach_intro)),
        section(f"{escape(intro.what_is_it)}\n\n{escape(intro.intersection)}"),
        section(escape(intro.time_estimate)),
        context(escape(intro.privacy)),
    ]
    if intro.resume is not None:
        blocks.append(section(escape(intro.resume.message)))
        blocks.append(actions([resume_button(intro.resume.reflection_id)]))
    blocks.append(section(wording.INTRO_CHOOSE))
    blocks.append(actions(start_buttons(intro), block_id="intro.start"))
    if intro.has_summary:
        blocks.append(actions([summary_button()]))
    text = mrkdwn(f"{intro.framework_name}: {intro.coach_intro}", MESSAGE_TEXT)
    return Message(text=text, blocks=to_dicts(blocks))


def start_buttons(intro: Introduction) -> list[ButtonElement]:
    """One button for all three domains and one per domain."""
    total = sum(count for _, _, count in intro.domains)
    buttons = [
        button(
            wording.START_ALL.format(count=total),
            ids.start("all"),
            "all",
            wording.START_LABEL.format(what="all three domains", count=total),
            style="primary",
        )
    ]
    for domain_id, name, count in intro.domains:
        buttons.append(
            button(
                wording.START_DOMAIN.format(name=name, count=count),
                ids.start(domain_id),
                domain_id,
                wording.START_LABEL.format(what=name, count=count),
            )
        )
    return buttons


def resume_button(reflection_id: str) -> ButtonElement:
    """Carry on with an unfinished reflection."""
    return button(wording.RESUME, ids.RESUME, reflection_id, wording.RESUME_LABEL, style="primary")


def summary_button(reflection_id: str = "latest") -> ButtonElement:
    """Show the priority areas of a reflection (by default the latest)."""
    return button(wording.VIEW_SUMMARY, ids.SUMMARY, reflection_id, wording.VIEW_SUMMARY_LABEL)


def build_help_text(extra_lines: Sequence[str] = ()) -> str:
    """The sub-commands of /lif-reflect, with those that features add."""
    return "\n".join([wording.HELP, *(f"• {line}" for line in extra_lines)])


def build_role_message() -> Message:
    """The AI coach's optional role question, asked once after the introduction."""
    choices = [
        button(wording.ROLE_BUTTON, ids.ROLE, "role", wording.ROLE_BUTTON_LABEL, style="primary"),
        button(wording.ROLE_SKIP, ids.ROLE_SKIP, "skip", wording.ROLE_SKIP_LABEL),
    ]
    blocks = [section(wording.ROLE_PROMPT), actions(choices, block_id="role.choices")]
    return Message(text=wording.ROLE_PROMPT_TEXT, blocks=to_dicts(blocks))
