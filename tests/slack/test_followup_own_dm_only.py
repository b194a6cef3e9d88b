"""Check-ins act only in the person's own DM, and are redrawn from what is stored: never from
the blocks a click or a form sends back, nor in a channel or message it names."""

# ruff: noqa: F811 (pytest fixtures are imported from followup_support, then named as parameters)
from __future__ import annotations

from typing import Any

import pytest

from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from bot.nudges.dispatcher import Dispatcher
from tests.slack.driver import SlackUser, action_ids, all_text, header
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
    metadata_naming,
    naming,
    with_injected_blocks,
)
from tests.slack.harness import RunningBot

HEADER = "Check-in: L1 Vision and shared purpose"


def _how_it_went(response: str, note: str = "") -> dict[str, dict[str, Any]]:
    chosen = {"type": "radio_buttons", "selected_option": {"value": response}}
    return {
        "fu_response": {"response": chosen},
        "fu_note": {"note": {"type": "plain_text_input", "value": note or None}},
    }


def _note_form(user: SlackUser, slack: FakeSlack, message: dict[str, Any]) -> dict[str, Any]:
    opened = len(slack.views)
    user.click(message, "lif.fu.note")
    return slack.wait_for(lambda: len(slack.views) > opened and slack.last_modal())


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
    action_id: str,
    shown_by: str,
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    dispatcher: Dispatcher,
    nurse: Person,
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    since, shown = len(slack.calls), len(slack.calls_to(shown_by))

    user.send_payload(with_injected_blocks(user.click_payload(message, action_id)))

    slack.wait_for(lambda: len(slack.calls_to(shown_by)) > shown, what=shown_by)
    assert not anything_injected(slack, since), "nothing from the payload's blocks is shown"
    redrawn = slack.last_modal() if shown_by == "views.open" else user.current(message)
    assert redrawn is not None
    assert HEADER in all_text(redrawn)


def test_the_note_form_redraws_the_check_in_from_what_is_stored_not_its_own_blocks(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    form = _note_form(user, slack, message)
    since = len(slack.calls)

    forged = dict(form, blocks=[INJECTED_BLOCK, *form["blocks"]])
    assert submit(user, forged, _how_it_went("progress", "We ran the huddle")).body == ""

    user.next_message()  # the acknowledgement
    answered = user.current(message)
    assert header(answered) == HEADER
    assert "You answered *Made progress*, with a note." in all_text(answered)
    assert not anything_injected(slack, since)
    assert [e.note for e in followup.progress(nurse).timeline] == ["We ran the huddle"]


def test_an_answer_naming_another_persons_dm_and_message_acts_only_in_the_own_dm(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    colleague = SlackUser(user.events_url, slack, user_id="U-COLLEAGUE")
    colleague.command("leadership")
    theirs = colleague.next_message()
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    since, posts = len(slack.calls), len(slack.calls_to("chat.postMessage"))

    user.send_payload(naming(user.click_payload(message, "lif.fu.answer.progress"), theirs))

    slack.wait_for(lambda: len(slack.calls_to("chat.postMessage")) > posts, what="the reply")
    assert channels_written(slack, since) == {user.dm}
    assert colleague.current(theirs) == theirs, "the colleague's message is untouched"
    assert len(slack.messages_in(colleague.dm)) == 1
    assert len(followup.progress(nurse).timeline) == 1, "the answer is kept all the same"


def test_a_note_form_whose_metadata_names_a_check_in_never_sent_to_the_person_is_refused(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    form = _note_form(user, slack, message)
    since = len(slack.calls)

    forged = metadata_naming(form, p="weekly:1999-01-04")
    ack = submit(user, forged, _how_it_went("stuck", "Nobody came"))

    assert ack.json()["response_action"] == "errors"
    assert "older message" in ack.json()["errors"]["fu_response"]
    assert followup.progress(nurse).timeline == [], "nothing is recorded"
    assert channels_written(slack, since) == set()


def test_a_note_form_whose_metadata_names_another_dm_updates_only_the_own_dm(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    dispatcher: Dispatcher,
    nurse: Person,
) -> None:
    colleague = SlackUser(user.events_url, slack, user_id="U-COLLEAGUE")
    colleague.command("leadership")
    theirs = colleague.next_message()
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    form = _note_form(user, slack, message)
    since = len(slack.calls)

    forged = metadata_naming(form, c=colleague.dm, t=theirs["ts"])
    assert submit(user, forged, _how_it_went("progress")).body == ""

    user.next_message()  # the acknowledgement, in the nurse's DM
    assert colleague.current(theirs) == theirs
    assert channels_written(slack, since) == {user.dm}


def test_the_settings_form_whose_metadata_names_another_dm_answers_in_the_own_dm(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    dispatcher: Dispatcher,
    nurse: Person,
) -> None:
    colleague = SlackUser(user.events_url, slack, user_id="U-COLLEAGUE")
    colleague.command("leadership")
    colleague.next_message()
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    opened = len(slack.views)
    user.click(message, "lif.fu.settings")
    form = slack.wait_for(lambda: len(slack.views) > opened and slack.last_modal())
    since = len(slack.calls)

    forged = metadata_naming(form, c=colleague.dm)
    assert submit(user, forged, current_values(form)).body == ""

    assert user.next_message()["text"].startswith("I'll check in every two weeks")
    assert channels_written(slack, since) == {user.dm}
    assert len(slack.messages_in(colleague.dm)) == 1
    assert "lif.fu.answer.stuck" in action_ids(user.current(message))
