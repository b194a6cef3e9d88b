"""What the follow-up listeners share: ack first then work in the DM, forms acked after saving,
and what a message asked (its header and sections)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.coaching.errors import CoachingError
from bot.coaching.models import Person
from bot.slack.blocks import wording
from bot.slack.blocks.followup_modals import FormErrors
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import conversation_for_action

logger = logging.getLogger(__name__)

Body = dict[str, Any]
H = TypeVar("H")
T = TypeVar("T")
PublishHome = Callable[[WebClient, Person], None]


def acked_first(work: Callable[[H, Conversation, Body], None]) -> Callable[..., None]:
    """A Bolt listener that acks, then does `work` in the clicker's DM, replying on failure.

    The listener's own parameters are the ones Bolt injects by name (ack, body, client, context).
    """

    def listener(self: H, ack: Ack, body: Body, client: WebClient, context: BoltContext) -> None:
        ack()
        conversation = conversation_for_action(body, client, context)
        with replying_on_failure(conversation):
            work(self, conversation, body)

    listener.__name__, listener.__doc__ = work.__name__, work.__doc__
    return listener


def ack_after(ack: Ack, block_id: str, save: Callable[[], T]) -> T | None:
    """Run `save`, then ack: empty (closing the modal) or with errors under the inputs."""
    try:
        result = save()
    except FormErrors as problems:
        ack(response_action="errors", errors=problems.errors)
        return None
    except CoachingError as error:
        ack(response_action="errors", errors=FormErrors({block_id: error.message}).errors)
        return None
    except Exception:
        logger.exception("unexpected failure saving a follow-up form")
        ack(response_action="errors", errors=FormErrors({block_id: wording.UNEXPECTED}).errors)
        return None
    ack()
    return result


def content(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """What a message asked: its header and sections, without controls."""
    return [b for b in blocks or [] if b.get("type") in ("header", "section")]


def values_of(view: dict[str, Any]) -> Any:
    """A submitted modal's input values, by block id and action id."""
    return (view.get("state") or {}).get("values") or {}
