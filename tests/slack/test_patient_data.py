"""The patient-data warning over Slack: nothing is saved until the person chooses what to do.

In a DM reply the warning is a message with three buttons; in a form, the form turns into the
warning. The text waits server-side (a button holds 2,000 characters, a reflection 40,000).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.coaching.models import Person
from tests.slack.driver import TEAM, SlackUser, _trigger, action_ids, all_text, find_element, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot
from tests.slack.limits import view_problems

REPLY = "Not sure. Mrs Jones in bed 3 noticed."
REDACTED = "Not sure. [patient identifier] noticed."
CHOICES = ["lif.pd.redact", "lif.pd.keep", "lif.pd.edit"]


class ModalFakeSlack(FakeSlack):
    """The fake Web API with views.update too (checked against the same limits as views.open)."""

    def _check(self, method: str, params: dict[str, Any]) -> list[str]:
        if method == "views.update":
            return view_problems(params["view"])
        return super()._check(method, params)

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        self.views[view_id] = dict(params["view"], id=view_id)
        return {"ok": True, "view": self.views[view_id]}

    def shown(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """Show a view a submission's ack asked for (response_action "update"), as Slack does."""
        with self._lock:
            self.views[view_id] = dict(view, id=view_id)
            return self.views[view_id]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = ModalFakeSlack().start()
    yield fake
    fake.stop()
    assert fake.problems == []


def click_in_modal(user: SlackUser, view: dict[str, Any], action_id: str) -> None:
    """Click a button inside an open modal (a block_actions payload from a view)."""
    block, element = find_element(view["blocks"], action_id)
    payload = {
        "type": "block_actions",
        "user": {"id": user.user_id, "username": "nurse", "name": "nurse", "team_id": TEAM},
        "api_app_id": "A-LIF",
        "token": "legacy",
        "trigger_id": _trigger(),
        "team": {"id": TEAM, "domain": "trust"},
        "container": {"type": "view", "view_id": view["id"]},
        "view": dict(view, hash=f"{time.time():.6f}.hash"),
        "actions": [
            {
                "action_id": action_id,
                "block_id": block.get("block_id", "b"),
                "type": "button",
                "value": element.get("value"),
                "text": element["text"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    user.send_payload(payload)


def _warned(user: SlackUser, text: str = REPLY) -> dict[str, Any]:
    user.command("leadership")
    user.next_message()
    user.say(text)
    return user.next_message()


def _answer(bot: RunningBot, person: Person) -> str | None:
    step = bot.coach.service.resume(person)
    return step.answer.text if step.answer else None


def test_a_dm_reply_with_patient_data_is_held_back_with_a_preview_and_three_choices(
    user: SlackUser, bot: RunningBot, nurse: Person
) -> None:
    warning = _warned(user)

    assert action_ids(warning) == CHOICES
    assert "a bed or hospital number next to a name" in warning["text"]
    assert REDACTED in all_text(warning) and "Jones" not in all_text(warning)
    assert _answer(bot, nurse) is None, "nothing is saved before the person chooses"


def test_save_redacted_stores_the_redacted_text_in_place_of_the_warning(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    warning = _warned(user)
    user.click(warning, "lif.pd.redact")

    saved = slack.wait_for(lambda: "Saved your" in all_text(m := user.current(warning)) and m)
    assert "Saved with the patient details removed." in all_text(saved)
    assert action_ids(saved) == []
    assert _answer(bot, nurse) == REDACTED


def test_keep_as_written_stores_the_original_text(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    user.next_message()
    user.say("I lead the huddle on the ward.")
    user.next_message()
    user.say(REPLY)
    warning = user.next_message()
    user.click(warning, "lif.pd.keep")

    slack.wait_for(lambda: "Saved as you wrote it." in all_text(user.current(warning)))
    assert _answer(bot, nurse) == f"I lead the huddle on the ward.\n\n{REPLY}"


def test_edit_saves_nothing_and_asks_for_the_corrected_text(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    warning = _warned(user)
    user.click(warning, "lif.pd.edit")

    slack.wait_for(lambda: "Send the corrected text" in all_text(user.current(warning)))
    user.say("Not sure. A patient noticed.")
    assert "Saved your reflection on *L1" in all_text(user.next_message())
    assert _answer(bot, nurse) == "Not sure. A patient noticed."


def test_a_double_click_on_a_choice_acts_once(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    warning = _warned(user)
    clicks = [
        threading.Thread(target=user.click, args=(warning, choice))
        for choice in ("lif.pd.redact", "lif.pd.keep")
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()

    assert "already been dealt with" in user.next_ephemeral()
    slack.wait_for(lambda: "Saved your" in all_text(user.current(warning)))
    user.click(warning, "lif.pd.redact")  # a third click, later, on the old copy
    assert "already been dealt with" in user.next_ephemeral(2)
    updates = [c for c in slack.calls_to("chat.update") if c.params["ts"] == warning["ts"]]
    assert len(updates) == 1
    assert _answer(bot, nurse) in (REDACTED, REPLY)
    assert len(slack.messages_in(user.dm)) == 2  # the step and the warning turned saved note


def _write_form(user: SlackUser, slack: FakeSlack) -> dict[str, Any]:
    user.command("improvement")
    user.click(user.next_message(), "lif.write")
    return slack.wait_for(slack.last_modal, what="the reflection form")


def test_the_reflection_form_turns_into_the_warning_and_keep_saves_it(
    user: SlackUser, slack: ModalFakeSlack, bot: RunningBot, nurse: Person
) -> None:
    form = _write_form(user, slack)
    text = "We audited discharges; call me on 07700 900123 about the rota"
    ack = user.submit(form, text)

    assert ack.json()["response_action"] == "update"
    warning = slack.shown(form["id"], ack.json()["view"])
    assert view_problems(warning) == []
    assert action_ids(warning) == CHOICES
    assert "call me on [phone number] about the rota" in all_text(warning)
    assert _answer(bot, nurse) is None

    click_in_modal(user, warning, "lif.pd.keep")
    assert "Saved your reflection on *I1" in all_text(user.next_message())
    assert _answer(bot, nurse) == text
    assert "Saved as you wrote it." in all_text(slack.views[form["id"]])


def test_edit_in_the_form_brings_back_the_form_with_the_text(
    user: SlackUser, slack: ModalFakeSlack, bot: RunningBot, nurse: Person
) -> None:
    form = _write_form(user, slack)
    ack = user.submit(form, REPLY)
    warning = slack.shown(form["id"], ack.json()["view"])

    click_in_modal(user, warning, "lif.pd.edit")

    again = slack.wait_for(
        lambda: (v := slack.views[form["id"]]).get("callback_id") == "lif.write_modal" and v
    )
    assert again["blocks"][-1]["element"]["initial_value"] == REPLY
    assert user.submit(again, "Not sure. A patient noticed.").body == ""
    assert "Saved your reflection on *I1" in all_text(user.next_message())
    assert _answer(bot, nurse) == "Not sure. A patient noticed."


def test_a_goal_with_patient_data_is_saved_redacted_on_the_summary(
    user: SlackUser, slack: ModalFakeSlack, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    step = user.next_message()
    while header(step) != "Your priority areas":
        user.click(step, "lif.rate.2")
        step = user.next_message()
    user.click(step, "lif.goal.L1")
    form = slack.wait_for(slack.last_modal, what="the goal form")

    ack = user.submit(form, "Ask Mrs Jones in bed 3 how the huddle felt")
    warning = slack.shown(form["id"], ack.json()["view"])
    click_in_modal(user, warning, "lif.pd.redact")

    slack.wait_for(lambda: "[patient identifier]" in all_text(user.current(step)))
    goal = bot.coach.service.resume(nurse).priorities[0].goal
    assert goal == "Ask [patient identifier] how the huddle felt"
    assert "Saved with the patient details removed." in all_text(slack.views[form["id"]])


def test_when_handing_the_text_back_fails_it_waits_for_another_click(
    user: SlackUser, slack: ModalFakeSlack
) -> None:
    form = _write_form(user, slack)
    warning = slack.shown(form["id"], user.submit(form, REPLY).json()["view"])
    slack.fail_next("views.update", times=3)  # beyond the client's two retries

    click_in_modal(user, warning, "lif.pd.edit")
    assert "Slack didn't let me post my reply" in user.next_ephemeral()
    click_in_modal(user, warning, "lif.pd.edit")

    again = slack.wait_for(
        lambda: (v := slack.views[form["id"]]).get("callback_id") == "lif.write_modal" and v
    )
    assert again["blocks"][-1]["element"]["initial_value"] == REPLY
