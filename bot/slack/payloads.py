"""Reading what Slack sends: who is asking, which button, which message, which input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.coaching.models import Person
from bot.slack.conversation import Conversation, DirectMessages
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
    """(channel, ts) of the message whose button was clicked, as the payload names them;
    (None, None) from App Home. Never where to post or update: see `clicked_in_dm`."""
    container = body.get("container") or {}
    if container.get("type") != "message":
        return None, None
    return container.get("channel_id"), container.get("message_ts")


def from_home(body: dict[str, Any]) -> bool:
    """Whether the click came from the App Home tab (or a modal), not from a message."""
    return message_origin(body) == (None, None)


def clicked_ts(body: dict[str, Any]) -> str | None:
    """The ts of the clicked message, for a form to redraw once submitted.

    Only ever updated in the person's own DM (Conversation.replace), where Slack finds no
    message but the bot's own to them, whatever channel the payload named.
    """
    return message_origin(body)[1]


def clicked_in_dm(body: dict[str, Any], conversation: Conversation) -> str | None:
    """The ts of the clicked message when the payload places it in the person's own DM with
    the bot; else None, and nothing is redrawn (a click that names another channel's message
    changes no message there)."""
    channel, ts = message_origin(body)
    if channel is None or ts is None:
        return None
    return ts if channel == conversation.channel else None


DIRECT_MESSAGES_KEY = "lif_direct_messages"  # set on every request's context by bot.slack.app


def remember_direct_messages(
    direct_messages: DirectMessages,
) -> Callable[[BoltContext, Callable[[], None]], None]:
    """A middleware that hands every listener the DMs this app has opened (one per person)."""

    def provide_direct_messages(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002
        context[DIRECT_MESSAGES_KEY] = direct_messages
        next()

    return provide_direct_messages


def conversation_of(
    context: BoltContext, client: WebClient, *, fallback: Callable[[str], Any] | None = None
) -> Conversation:
    """The person's own DM with the bot, whatever channel the request names.

    Its channel is the one conversations.open gave for this person, remembered across
    requests: a request can name any channel, message or metadata, but the bot posts and
    updates only here.
    """
    return Conversation(
        client,
        person_of(context),
        fallback=fallback,
        direct_messages=context.get(DIRECT_MESSAGES_KEY),
    )


def conversation_for_action(
    body: dict[str, Any], client: WebClient, context: BoltContext
) -> Conversation:
    """The DM of the person who clicked (never the channel the payload names).

    If an ephemeral note can't go there, it goes through the click's response_url, which
    reaches whoever clicked.
    """
    respond = context.respond if body.get("response_url") else None
    fallback = (
        (lambda text: respond(text=text, response_type="ephemeral", replace_original=False))
        if respond is not None
        else None
    )
    return conversation_of(context, client, fallback=fallback)


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


def edited_dm(event: dict[str, Any]) -> tuple[str, str] | None:
    """(ts, new text) of a message the person edited in their DM with the bot, or None."""
    message = _persons_im_message(event, "message_changed", "message")
    if message is None:
        return None
    text = message.get("text")
    return message["ts"], text if isinstance(text, str) else ""


def deleted_dm(event: dict[str, Any]) -> str | None:
    """The ts of a message the person deleted in their DM with the bot, or None."""
    previous = _persons_im_message(event, "message_deleted", "previous_message")
    if previous is None:
        return None
    deleted = event.get("deleted_ts")
    return deleted if isinstance(deleted, str) and deleted else previous["ts"]


def _persons_im_message(event: dict[str, Any], subtype: str, key: str) -> dict[str, Any] | None:
    """The message an edit or deletion is about, if a person wrote it in their DM with the bot
    (never the bot's own messages, which it updates as it goes)."""
    message = event.get(key)
    if event.get("subtype") != subtype or event.get("channel_type") != "im":
        return None
    if not isinstance(message, dict) or message.get("bot_id") or message.get("subtype"):
        return None
    ts, user = message.get("ts"), message.get("user")
    return message if isinstance(ts, str) and ts and isinstance(user, str) and user else None


PENDING_KEY = "lif_pending_texts"  # set on every request's context by bot.slack.patient_data


def pending_of(context: BoltContext) -> PendingTexts:
    """Where texts stopped by the patient-data warning wait for the person's choice."""
    pending = context.get(PENDING_KEY)
    if pending is None:
        raise RuntimeError("the patient-data feature is not registered on this app")
    return pending
