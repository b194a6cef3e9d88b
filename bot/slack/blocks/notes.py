"""Short messages: saved notes, the coach's follow-up and placeholder, the patient-data warning."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.coaching.errors import PatientDataWarning
from bot.coaching.framework import Attribute
from bot.coaching.views import RelatedLink, Signpost
from bot.slack import ids
from bot.slack.blocks import wording
from bot.slack.blocks.kit import actions, button, context, section, to_dicts
from bot.slack.blocks.text import MESSAGE_TEXT, Message, cut, escape, mrkdwn

PREVIEW_CHARS = 1_500


def build_saved_note(
    attribute: Attribute, links: list[RelatedLink], *, added: bool, how: str | None = None
) -> Message:
    """A brief acknowledgement of a written reflection, with any 'this also sounds like' links.

    `how` is our own note on how it was saved (e.g. with the patient details removed).
    """
    template = wording.SAVED_MORE if added else wording.SAVED
    said = template.format(attribute_id=attribute.id, short_name=escape(attribute.short_name))
    blocks: list[Block] = [section(said)]
    if how:
        blocks.append(context(how))
    blocks.extend(context(escape(link.message)) for link in links[:5])
    text = wording.SAVED_TEXT.format(attribute_id=attribute.id)
    if links:
        text += " " + " ".join(link.message for link in links[:5])
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_signpost_message(signpost: Signpost) -> Message:
    """The kind note pointing to support after words of distress (our wording and the
    organisation's contacts, escaped: an operator's setting is not mrkdwn of ours)."""
    contacts = "\n".join(f"• {escape(contact)}" for contact in signpost.contacts)
    blocks: list[Block] = [
        section(escape(signpost.message)),
        section(contacts),
        context(escape(signpost.closing)),
    ]
    text = " ".join([signpost.message, "; ".join(signpost.contacts), signpost.closing])
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_note(text: str) -> Message:
    """A plain note; `text` is mrkdwn of our own, so only its control characters are escaped."""
    safe = mrkdwn(text, MESSAGE_TEXT)
    return Message(text=safe, blocks=to_dicts([section(safe)]))


def build_thinking_message(text: str, plain: str) -> Message:
    """A placeholder shown at once while the AI coach works; replaced in place when it is done."""
    return Message(text=plain, blocks=to_dicts([context(text)]))


def build_follow_up_message(attribute: Attribute, question: str) -> Message:
    """The AI coach's one follow-up question on what the person wrote."""
    blocks = [
        section(f"*{mrkdwn(question, 2_000)}*"),
        context(wording.FOLLOW_UP_HINT.format(attribute_id=attribute.id)),
    ]
    text = wording.FOLLOW_UP_TEXT.format(attribute_id=attribute.id, question=question)
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_patient_data_message(warning: PatientDataWarning, pending_id: str) -> Message:
    """The warning on a DM reply: what was found, the redacted preview, and the three choices."""
    blocks = patient_data_blocks(warning, pending_id, edit_label=wording.EDIT_REPLY_LABEL)
    return Message(text=mrkdwn(warning.message, MESSAGE_TEXT), blocks=to_dicts(blocks))


def patient_data_blocks(
    warning: PatientDataWarning, pending_id: str, *, edit_label: str
) -> list[Block]:
    """Warning, preview and buttons; each button carries only the id of the text held back."""
    choices = [
        button(
            wording.SAVE_REDACTED,
            ids.patient_data("redact"),
            pending_id,
            wording.SAVE_REDACTED_LABEL,
            style="primary",
        ),
        button(
            wording.KEEP_AS_WRITTEN,
            ids.patient_data("keep"),
            pending_id,
            wording.KEEP_AS_WRITTEN_LABEL,
        ),
        button(wording.EDIT, ids.patient_data("edit"), pending_id, edit_label),
    ]
    return [
        section(mrkdwn(warning.message, 1_000)),
        section(wording.PATIENT_DATA_PREVIEW.format(preview=_quoted(warning.redacted))),
        actions(choices, block_id="patient_data.choices"),
    ]


def _quoted(text: str) -> str:
    """The text as a mrkdwn block quote, every line marked, cut to a preview."""
    lines = cut(escape(text.strip()), PREVIEW_CHARS).splitlines() or [""]
    return "\n>".join(lines)
