"""Action ids, callback ids and the compact values buttons carry back to the bot."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.coaching.errors import StaleAction

PREFIX = "lif."
RATE = re.compile(r"^lif\.rate\.[1-5]$")
SKIP = "lif.skip"
BACK = "lif.back"
PAUSE = "lif.pause"
WRITE = "lif.write"
RESUME = "lif.resume"
SUMMARY = "lif.summary"
START = re.compile(r"^lif\.start\.[a-z_]+$")
CONFIRM = "lif.confirm"
GOAL = re.compile(r"^lif\.goal\.[A-Za-z0-9]+$")
DROP = re.compile(r"^lif\.drop\.[A-Za-z0-9]+$")
SWAP = re.compile(r"^lif\.swap\.[A-Za-z0-9]+$")
ADD = "lif.add"
RETURN = re.compile(r"^lif\.return\.[A-Za-z0-9]+$")  # from the summary to a skipped attribute
FROM_SUMMARY = "-"  # the attribute part of Back's value on the summary, which has none
# The patient-data warning's choices; each button's value is the id of the text held back.
PATIENT_DATA = re.compile(r"^lif\.pd\.(redact|keep|edit)$")
ROLE = "lif.role"
ROLE_SKIP = "lif.role_skip"
# The reflective cycle (bot/slack/cycle.py).
SKIP_QUESTION = "lif.skip_question"
MODE = re.compile(r"^lif\.mode\.(quick|deep)$")
START_NEW = "lif.start_new"
REOPEN = "lif.reopen"

GOAL_MODAL = "lif.goal_modal"
WRITE_MODAL = "lif.write_modal"
GOAL_BLOCK, GOAL_INPUT = "goal", "goal_text"
WRITE_BLOCK, WRITE_INPUT = "reflection", "reflection_text"
ROLE_MODAL = "lif.role_modal"
ROLE_BLOCK, ROLE_INPUT = "role", "role_text"

_SEPARATOR = "|"


STALE_BUTTON = (
    "That button is from an older message I can no longer act on. "
    "Type /lif-reflect resume to carry on from where you are."
)


def _old_button() -> StaleAction:
    return StaleAction(STALE_BUTTON)


def rate(rating: int) -> str:
    """The action id of one rating button (unique within its block, as Slack requires)."""
    return f"{PREFIX}rate.{rating}"


def start(scope: str) -> str:
    """The action id of a start button for a scope."""
    return f"{PREFIX}start.{scope}"


def mode(name: str) -> str:
    """The action id of the button that goes on quick or deep."""
    return f"{PREFIX}mode.{name}"


def mode_of(action_id: str) -> str:
    """The mode (quick or deep) a mode button stands for."""
    return _named_by(MODE, action_id)


def patient_data(choice: str) -> str:
    """The action id of a patient-data warning button: redact, keep or edit."""
    return f"{PREFIX}pd.{choice}"


def choice_of(action_id: str) -> str:
    """The choice a patient-data warning button stands for."""
    return _named_by(PATIENT_DATA, action_id)


def _named_by(pattern: re.Pattern[str], action_id: str) -> str:
    """What an action id of the pattern names (its first group); StaleAction when not ours."""
    match = pattern.match(action_id)
    if match is None:
        raise _old_button()
    return match.group(1)


def per_attribute(kind: str, attribute_id: str) -> str:
    """The action id of a control for one attribute (goal, drop, swap, return)."""
    return f"{PREFIX}{kind}.{attribute_id}"


def number_of(value: str | None) -> int:
    """A small whole number a button carries (a rating, days); StaleAction when it isn't one."""
    if not re.fullmatch(r"[0-9]{1,4}", value or ""):
        raise _old_button()
    return int(value or 0)


def pack(*parts: str) -> str:
    """A button value from ids (which never contain the separator)."""
    return _SEPARATOR.join(parts)


def unpack(value: str | None, count: int) -> list[str]:
    """The ids a value carries; StaleAction when it isn't one of ours (an older format)."""
    parts = (value or "").split(_SEPARATOR)
    if len(parts) != count or not all(parts):
        raise _old_button()
    return parts


@dataclass(frozen=True)
class ModalContext:
    """What a modal remembers: the reflection, the attribute, and the message it came from.

    No channel: once submitted, the message is updated in the submitter's own DM, and the
    reflection is the submitter's or refused (NotYours), whatever the metadata says.
    """

    reflection_id: str
    attribute_id: str
    message_ts: str | None = None

    def dumps(self) -> str:
        """As private_metadata (well under Slack's 3,000 characters)."""
        return json.dumps({"r": self.reflection_id, "a": self.attribute_id, "t": self.message_ts})

    @classmethod
    def loads(cls, metadata: str | None) -> ModalContext:
        """From private_metadata; StaleAction when it isn't one of ours."""
        try:
            data = json.loads(metadata or "")
            return cls(data["r"], data["a"], ts_of(data.get("t")))
        except (ValueError, KeyError, TypeError) as error:
            raise _old_button() from error


@dataclass(frozen=True)
class MessageRef:
    """A message a modal will update once submitted, in the submitter's own DM (private_metadata
    of the role form)."""

    message_ts: str | None = None

    def dumps(self) -> str:
        """As private_metadata."""
        return json.dumps({"t": self.message_ts})

    @classmethod
    def loads(cls, metadata: str | None) -> MessageRef:
        """From private_metadata; an empty reference when it isn't one of ours."""
        try:
            return cls(ts_of(json.loads(metadata or "").get("t")))
        except (ValueError, AttributeError):
            return cls()


def ts_of(value: object) -> str | None:
    """A message ts read back from private_metadata: a string, or None."""
    return value if isinstance(value, str) and value else None
