"""Action ids, callback ids and block ids of the follow-up check-ins in Slack."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.coaching.errors import StaleAction
from bot.coaching.followup.models import CheckInResponse
from bot.slack.ids import ts_of

ANSWER = re.compile(r"^lif\.fu\.answer\.[a-z_]+$")  # value: pack(period key or NOW, response)
NOTE = "lif.fu.note"  # value: the period key, or NOW
SNOOZE = re.compile(r"^lif\.fu\.snooze\.[0-9]+$")  # value: days
STOP = "lif.fu.stop"
RESUME = "lif.fu.resume"
SETTINGS = "lif.fu.settings"
CHECK_IN_NOW = "lif.fu.checkin"
AGAIN = re.compile(r"^lif\.fu\.again\.[a-z_]+$")  # value: PRIORITIES or a scope

NOTE_MODAL = "lif.fu.note_modal"
SETTINGS_MODAL = "lif.fu.settings_modal"

NOW = "now"  # a check-in the person asked for, not one the bot sent
PRIORITIES = "priorities"  # reflect again on the priority areas themselves

# The inputs of the note modal: (block id, action id)
RESPONSE_INPUT = ("fu_response", "response")
NOTE_INPUT = ("fu_note", "note")

# The inputs of the settings modal: (block id, action id)
CADENCE_INPUT = ("fu_cadence", "cadence")
WEEKDAY_INPUT = ("fu_weekday", "weekday")
TIME_INPUT = ("fu_time", "time")
WINDOW_START_INPUT = ("fu_window_start", "window_start")
WINDOW_END_INPUT = ("fu_window_end", "window_end")
DAYS_INPUT = ("fu_days", "days")
PAUSE_INPUT = ("fu_pause", "pause")
STOP_INPUT = ("fu_stop", "stop")
STOPPED = "stopped"  # the value of the stop checkbox

_SEPARATOR = "|"


def answer(response: CheckInResponse) -> str:
    """The action id of one response button."""
    return f"lif.fu.answer.{response.value}"


def snooze(days: int) -> str:
    """The action id of a snooze button."""
    return f"lif.fu.snooze.{days}"


def again(scope: str) -> str:
    """The action id of a reflect-again button."""
    return f"lif.fu.again.{scope}"


def pack(period: str, response: CheckInResponse) -> str:
    """A response button's value: which check-in, which answer."""
    return f"{period}{_SEPARATOR}{response.value}"


MAX_PERIOD = 200  # our period keys are under 100 characters; a longer one is not ours
NOT_OURS = "That button is from an older message I can no longer act on."


def unpack(value: str | None) -> tuple[str, CheckInResponse]:
    """(period key or NOW, response) from a response button; StaleAction when not ours."""
    period, _, response = (value or "").partition(_SEPARATOR)
    if not period or len(period) > MAX_PERIOD or response not in set(CheckInResponse):
        raise StaleAction(NOT_OURS)
    return period, CheckInResponse(response)


def period_of(value: str | None) -> str:
    """The period key a note button names (NOW when none); StaleAction when not ours."""
    period = value or NOW
    if len(period) > MAX_PERIOD or not period.isprintable():
        raise StaleAction(NOT_OURS)
    return period


@dataclass(frozen=True)
class Origin:
    """Where a modal was opened from: a message (its ts) or Home, and for which check-in.

    No channel: the message is updated in the submitter's own DM once the form is submitted.
    """

    message_ts: str | None = None
    period: str = NOW
    home: bool = False

    def dumps(self) -> str:
        """As private_metadata (well under Slack's 3,000 characters)."""
        return json.dumps({"t": self.message_ts, "p": self.period, "h": self.home})

    @classmethod
    def loads(cls, metadata: str | None) -> Origin:
        """From private_metadata; an empty Origin when it isn't one of ours."""
        try:
            data = json.loads(metadata or "")
            return cls(ts_of(data.get("t")), str(data.get("p") or NOW), bool(data.get("h")))
        except (ValueError, TypeError, AttributeError):
            return cls()
