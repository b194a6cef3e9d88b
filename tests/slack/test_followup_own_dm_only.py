"""Check-ins act only in the person's own DM, and are redrawn from what is stored: never from
the blocks a click or a form sends back, nor in a channel or message it names."""

# ruff: noqa: F811 (pytest fixtures are imported from followup_support, then named as parameters)
from __future__ import annotations

from typing import Any

import pytest

from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from bot.nudges.dispatcher import Dispatcher
from tests.slack.driver import SlackUser, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.followup_support import (  # noqa: F401 (fixtures)
    bot,
    clock,
    confirmed,
    current_values,
    dispatcher,
    first_check_in,
    followup,
    sleeps,
    submit,
)
from tests.slack.forged import (
    INJECTED_BLOCK,
    anything_injected,
    channels_written,
    form_opened_by,
    metadata_naming,
    naming,
    with_injected_blocks,
)
from tests.slack.harness import RunningBot

HEADER = "Check-in: L1 Vision and shared purpose"
Message = dict[str, Any]


@pytest.fixture
def check_in(bot: RunningBot, user: SlackUser, dispatcher: Dispatcher, nurse: Person) -> Message:
    """The nurse's first check-in, sent to her DM."""
    return first_check_in(dispatcher, user, confirmed(bot, nurse))


def _how_it_went(response: str, note: str = "") -> dict[str, dict[str, Any]]:
    chosen = {"type": "radio_buttons", "selected_option": {"value": response}}
    return {
        "fu_response": {"response": chosen},
        "fu_note": {"note": {"type": "plain_text_input", "value": note or None}},
    }


@pytest.mark.parametrize(
    ("action_id", "shown_by"),
    [
        ("lif.fu.answer.stuck", "chat.update"),
        ("lif.fu.snooze.1", "chat.update"),
        ("lif.fu.stop", "chat.update"),
        ("lif.fu.note", "views.open"),
    ],
)
def test_a_check_in_is_redrawn_from_what_is_stored_never_from_the_clicks_blocks(
    action_id: str, shown_by: str, check_in: Message, user: SlackUser, slack: FakeSlack
) -> None:
    since, shown = len(slack.calls), len(slack.calls_to(shown_by))

    user.send_payload(with_injected_blocks(user.click_payload(check_in, action_id)))

    slack.wait_for(lambda: len(slack.calls_to(shown_by)) > shown, what=shown_by)
    assert not anything_injected(slack, since), "nothing from the payload's blocks is shown"
    redrawn = slack.last_modal() if shown_by == "views.open" else user.current(check_in)
    assert redrawn is not None
    assert HEADER in all_text(redrawn)


def test_the_note_form_redraws_the_check_in_from_what_is_stored_not_its_own_blocks(
    check_in: Message, user: SlackUser, slack: FakeSlack, followup: FollowUpService, nurse: Person
) -> None:
    form = form_opened_by(user, check_in, "lif.fu.note")
    since = len(slack.calls)

    forged = dict(form, blocks=[INJECTED_BLOCK, *form["blocks"]])
    assert submit(user, forged, _how_it_went("progress", "We ran the huddle")).body == ""

    user.next_message()  # the acknowledgement
    answered = user.current(check_in)
    assert header(answered) == HEADER
    assert "You answered *Made progress*, with a note." in all_text(answered)
    assert not anything_injected(slack, since)
    assert [e.note for e in followup.progress(nurse).timeline] == ["We ran the huddle"]


def test_an_answer_naming_another_persons_dm_and_message_acts_only_in_the_own_dm(
    their_step: Message,
    colleague_user: SlackUser,
    check_in: Message,
    user: SlackUser,
    slack: FakeSlack,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    since, posts = len(slack.calls), len(slack.calls_to("chat.postMessage"))

    user.send_payload(naming(user.click_payload(check_in, "lif.fu.answer.progress"), their_step))

    slack.wait_for(lambda: len(slack.calls_to("chat.postMessage")) > posts, what="the reply")
    assert channels_written(slack, since) == {user.dm}
    assert colleague_user.current(their_step) == their_step, "the colleague's step is untouched"
    assert len(slack.messages_in(colleague_user.dm)) == 1
    assert len(followup.progress(nurse).timeline) == 1, "the answer is kept all the same"


def test_a_note_form_whose_metadata_names_a_check_in_never_sent_to_the_person_is_refused(
    check_in: Message, user: SlackUser, slack: FakeSlack, followup: FollowUpService, nurse: Person
) -> None:
    form = form_opened_by(user, check_in, "lif.fu.note")
    since = len(slack.calls)

    forged = metadata_naming(form, p="weekly:1999-01-04")
    ack = submit(user, forged, _how_it_went("stuck", "Nobody came"))

    assert ack.json()["response_action"] == "errors"
    assert "older message" in ack.json()["errors"]["fu_response"]
    assert followup.progress(nurse).timeline == [], "nothing is recorded"
    assert channels_written(slack, since) == set()


@pytest.mark.parametrize("action_id", ["lif.fu.note", "lif.fu.settings"])
def test_a_check_in_form_whose_metadata_names_another_dm_answers_only_in_the_own_dm(
    action_id: str,
    their_step: Message,
    colleague_user: SlackUser,
    check_in: Message,
    user: SlackUser,
    slack: FakeSlack,
) -> None:
    form = form_opened_by(user, check_in, action_id)
    since = len(slack.calls)

    forged = metadata_naming(form, c=colleague_user.dm, t=their_step["ts"])
    values = _how_it_went("progress") if action_id == "lif.fu.note" else current_values(form)
    assert submit(user, forged, values).body == ""

    user.next_message()  # the acknowledgement or the schedule, in the nurse's DM
    assert colleague_user.current(their_step) == their_step
    assert channels_written(slack, since) == {user.dm}
    assert len(slack.messages_in(colleague_user.dm)) == 1
