"""Reading what Slack sends: who is asking, which button, which message, which input."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.coaching.models import Person
from bot.slack.conversation import Conversation
from bot.slack.flows import PendingTexts


def person_of(context: BoltContext) -> Person:
    """The person behind a request: their workspace (team) and user id.

    An org-wide install (Enterprise Grid) keys people by the organisation's enterprise id: its
    user ids are the same in every workspace of the org, and some of its requests carry no team
    id, so keying by team would split (or lose) a person's reflections.
    """
    workspace = (
        context.enterprise_id
        if context.is_enterprise_install and context.enterprise_id
        else context.team_id or context.enterprise_id
    )
    if not workspace or not context.user_id:
        raise ValueError("a Slack request without a team or user")
    return Person(workspace_id=workspace, user_id=context.user_id)


def action_value(body: dict[str, Any]) -> str | None:
    """The value of the button clicked, or of the menu option chosen."""
    action = (body.get("actions") or [{}])[0]
    selected = action.get("selected_option")
    return selected.get("value") if selected else action.get("value")


def message_origin(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, ts) of the message whose button was clicked; (None, None) from App Home."""
    container = body.get("container") or {}
    if container.get("type") != "message":
        return None, None
    return container.get("channel_id"), container.get("message_ts")


def conversation_for_action(
    body: dict[str, Any], client: WebClient, context: BoltContext
) -> Conversation:
    """The DM of the person who clicked: the message's channel, or opened when from Home.

    If an ephemeral note can't go there (someone clicked a message in a DM not theirs), it
    goes through the click's response_url, which reaches whoever clicked.
    """
    channel, _ = message_origin(body)
    respond = context.respond if body.get("response_url") else None
    fallback = (
        (lambda text: respond(text=text, response_type="ephemeral", replace_original=False))
        if respond is not None
        else None
    )
    return Conversation(client, person_of(context), channel=channel, fallback=fallback)


def input_value(view: dict[str, Any], block_id: str, action_id: str) -> str:
    """What the person typed into a modal's text input ('' when left empty)."""
    state = view.get("state", {}).get("values", {})
    return state.get(block_id, {}).get(action_id, {}).get("value") or ""


def is_persons_dm_message(event: dict[str, Any]) -> bool:
    """A message a person typed in their DM with the bot (not an edit, a file or a bot)."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and bool((event.get("text") or "").strip())
    )


PENDING_KEY = "lif_pending_texts"  # set on every request's context by bot.slack.patient_data


def pending_of(context: BoltContext) -> PendingTexts:
    """Where texts stopped by the patient-data warning wait for the person's choice."""
    pending = context.get(PENDING_KEY)
    if pending is None:
        raise RuntimeError("the patient-data feature is not registered on this app")
    return pending
