"""/lif-reflect: acknowledged at once in the channel, then the reflection goes on in a DM."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coaching.engine import ReflectionService
from bot.slack import flows
from bot.slack.blocks import build_help_text, wording
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import conversation_of

_SCOPES = {
    "all": "all",
    "leadership": "leadership",
    "improvement": "improvement",
    "care": "care_delivery",
    "care_delivery": "care_delivery",
    "care_delivery_systems": "care_delivery",
}
_FLOWS: dict[str, Callable[[ReflectionService, Conversation, str], None]] = {
    "intro": flows.show_intro,
    "start": flows.start,
    "resume": flows.resume,
    "summary": flows.show_summary,
}


@dataclass(frozen=True)
class CommandRequest:
    """What the person asked for: intro, help, start (with a scope), resume or summary."""

    kind: str
    argument: str = ""


@dataclass(frozen=True)
class Subcommand:
    """A further `/lif-reflect <name> [text]`, contributed by a feature's own Slack module."""

    acknowledgement: str  # the ephemeral note shown at once in the channel
    help: str  # one line for `/lif-reflect help`, e.g. "`/lif-reflect ask <question>`: ..."
    run: Callable[[Conversation, str], None]  # after the ack: (the person's DM, the text)


def parse_command(text: str, extra: Collection[str] = ()) -> CommandRequest:
    """The request in the command's text; anything unknown asks for help, not an error."""
    words = text.strip().replace("-", " ").split()
    if not words:
        return CommandRequest("intro")
    first = words[0].lower()
    if first in extra:  # the rest of the text, as typed, goes to the feature
        return CommandRequest(first, text.strip()[len(words[0]) :].strip())
    lowered = [word.lower() for word in words]
    if lowered in (["resume"], ["summary"], ["help"]):
        return CommandRequest(lowered[0])
    scope = _SCOPES.get("_".join(lowered))
    return CommandRequest("start", scope) if scope else CommandRequest("help")


class CommandHandlers:
    """The slash command."""

    def __init__(
        self, service: ReflectionService, extra: Mapping[str, Subcommand] | None = None
    ) -> None:
        self.service = service
        self.extra = dict(extra or {})

    def handle_lif_reflect(
        self,
        ack: Ack,
        command: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        """Ack with a short ephemeral note, then do the work in the person's DM."""
        request = parse_command(command.get("text") or "", self.extra)
        ack(text=self.acknowledgement(request))
        if request.kind == "help":
            return
        conversation = conversation_of(context, client, fallback=lambda text: respond(text=text))
        with replying_on_failure(conversation):
            if request.kind in self.extra:
                self.extra[request.kind].run(conversation, request.argument)
            else:
                _FLOWS[request.kind](self.service, conversation, request.argument)

    def acknowledgement(self, request: CommandRequest) -> str:
        """The ephemeral reply in the channel where the command was typed."""
        if request.kind == "start":
            return wording.ACK_START.format(scope=self.service.scope_name(request.argument))
        if request.kind in self.extra:
            return self.extra[request.kind].acknowledgement
        notes = {
            "intro": wording.ACK_INTRO,
            "resume": wording.ACK_RESUME,
            "summary": wording.ACK_SUMMARY,
        }
        return notes.get(request.kind) or build_help_text([sub.help for sub in self.extra.values()])


def register(
    app: App, service: ReflectionService, extra: Mapping[str, Subcommand] | None = None
) -> None:
    """Listen for /lif-reflect, with any sub-commands that features contribute."""
    app.command(wording.COMMAND)(CommandHandlers(service, extra).handle_lif_reflect)
