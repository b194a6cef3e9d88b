"""One person's direct message with the bot, and the boundary where failures become replies."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.errors import CoachingError, StorageUnavailable
from bot.coaching.models import Person
from bot.slack.blocks import wording
from bot.slack.blocks.notes import build_note
from bot.slack.blocks.text import MESSAGE_TEXT, Message, mrkdwn

logger = logging.getLogger(__name__)

# What chat.update answers for a ts that is not one of the bot's messages in the channel.
NOT_IN_THE_DM = frozenset({"message_not_found", "cant_update_message"})


class DirectMessages:
    """Each person's DM channel with the bot, remembered after its first conversations.open.

    A bot's DM with a person keeps its channel id, so a command need not ask Slack for it
    again (one Web API round trip fewer before the first question). Keyed by the bot token
    and the person, so workspaces and reinstalled apps never share an entry; the least
    recently used are forgotten beyond `size`, and an entry Slack no longer knows
    (channel_not_found) is forgotten when a post says so.
    """

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._channels: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def channel(self, client: WebClient, user_id: str) -> str:
        """The DM channel id; conversations.open only for a person not remembered."""
        key = (client.token or "", user_id)
        with self._lock:
            if (known := self._channels.get(key)) is not None:
                self._channels.move_to_end(key)
                return known
        opened = str(client.conversations_open(users=[user_id])["channel"]["id"])
        with self._lock:
            self._channels[key] = opened
            while len(self._channels) > self.size:
                self._channels.popitem(last=False)
        return opened

    def forget(self, client: WebClient, user_id: str) -> None:
        """Drop the person's remembered channel: the next command opens the DM again."""
        with self._lock:
            self._channels.pop((client.token or "", user_id), None)


class Conversation:
    """The Slack calls a handler makes for one person; the DM is opened only when needed."""

    def __init__(
        self,
        client: WebClient,
        person: Person,
        *,
        channel: str | None = None,
        fallback: Callable[[str], Any] | None = None,
        direct_messages: DirectMessages | None = None,
    ) -> None:
        self.client = client
        self.person = person
        self._channel = channel
        self._fallback = fallback  # e.g. a slash command's response_url, if the DM fails
        self._placeholder: str | None = None  # ts of a "thinking" message the next post replaces
        self._direct_messages = direct_messages  # where the DM's channel id may be remembered

    @property
    def channel(self) -> str:
        """The direct message channel with the person (conversations.open on first use)."""
        if self._channel is None:
            if self._direct_messages is not None:
                self._channel = self._direct_messages.channel(self.client, self.person.user_id)
            else:
                response = self.client.conversations_open(users=[self.person.user_id])
                self._channel = response["channel"]["id"]
        return self._channel

    def post(self, message: Message) -> str:
        """Post a new message in the DM (or fill the placeholder in place); returns its ts."""
        placeholder, self._placeholder = self._placeholder, None
        if placeholder is not None:
            try:
                self.client.chat_update(channel=self.channel, ts=placeholder, **message.as_kwargs())
                return placeholder
            except SlackApiError:
                logger.exception("chat.update of a placeholder failed; posting anew")
        try:
            response = self.client.chat_postMessage(channel=self.channel, **message.as_kwargs())
        except SlackApiError as error:
            remembered = self._direct_messages
            if remembered is not None and error.response.get("error") == "channel_not_found":
                remembered.forget(self.client, self.person.user_id)
            raise
        return str(response["ts"])

    def thinking(self, message: Message) -> None:
        """Post a placeholder at once; the next post (or explanation) replaces it in place."""
        self._placeholder = self.post(message)

    def replace(self, message_ts: str | None, message: Message) -> bool:
        """Update a message of the DM in place; whether it was. Cosmetic: a failure is logged.

        Always in the person's own DM, where Slack finds only this bot's messages to them: a ts
        a request named from elsewhere is not found there, and nothing changes.
        """
        if message_ts is None:
            return False
        try:
            self.client.chat_update(channel=self.channel, ts=message_ts, **message.as_kwargs())
            return True
        except SlackApiError as error:
            code = error.response.get("error")
            if code in NOT_IN_THE_DM:  # a ts from a request, not one of this DM's messages
                logger.warning("chat.update found no such message in the DM (%s)", code)
            else:
                logger.exception("chat.update failed; the person's answer is saved regardless")
            return False

    def replace_or_post(self, message_ts: str | None, message: Message) -> None:
        """Redraw the message at `message_ts` in the DM, or post it anew when the DM holds no
        such message (a click from Home, or a request that named a message elsewhere)."""
        if not self.replace(message_ts, message):
            self.post(message)

    def explain(self, text: str) -> None:
        """A short note only the person sees; falls back to the command's response_url."""
        safe = mrkdwn(text, MESSAGE_TEXT)
        if self._placeholder is not None:  # no placeholder is left saying "one moment"
            try:
                self.post(build_note(text))
                return
            except SlackApiError:
                logger.exception("could not explain in place of the placeholder")
        try:
            self.client.chat_postEphemeral(
                channel=self.channel, user=self.person.user_id, text=safe
            )
        except SlackApiError:
            if self._fallback is None:
                raise
            logger.exception("chat.postEphemeral failed; replying through response_url")
            self._fallback(safe)

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> str:
        """Open a modal (within 3 seconds of the click that gave the trigger_id); its view id."""
        response = self.client.views_open(trigger_id=trigger_id, view=view)
        return str((response.get("view") or {}).get("id", ""))

    def update_modal(self, view_id: str, view: dict[str, Any]) -> None:
        """Replace the content of an open modal (no time limit, unlike opening one)."""
        self.client.views_update(view_id=view_id, view=view)

    def publish_home(self, view: dict[str, Any]) -> None:
        """Replace the person's App Home tab."""
        self.client.views_publish(user_id=self.person.user_id, view=view)


@contextmanager
def replying_on_failure(conversation: Conversation) -> Iterator[None]:
    """Turn a failure into a reply the person can act on; nothing is raised past here."""
    try:
        yield
    except StorageUnavailable as error:
        # The cause's text can hold SQL parameters, that is, reflection text: log its type only.
        logger.warning("database unavailable (%s)", type(error.__cause__ or error).__name__)
        _try_explain(conversation, wording.STORAGE_DOWN.format(message=error.message))
    except CoachingError as error:
        _try_explain(conversation, error.message)
    except SlackApiError as error:
        logger.exception("Slack Web API call failed: %s", error.response.get("error"))
        _try_explain(conversation, wording.POST_FAILED)
    except Exception:
        logger.exception("unexpected failure handling a Slack request")
        _try_explain(conversation, wording.UNEXPECTED)


def _try_explain(conversation: Conversation, text: str) -> None:
    try:
        conversation.explain(text)
    except Exception:  # Slack itself is failing: the log is all that is left
        logger.exception("could not tell the person what went wrong")
