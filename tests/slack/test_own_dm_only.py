"""The bot acts only in the person's own DM with it, whatever channel, message or modal metadata a
request names: a click, a form or a DM message about one's own reflection never writes to
another person's DM, and never changes another person's message."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.coaching.models import Person
from bot.slack.blocks.privacy import DELETE_ACTION
from tests.slack.driver import SlackUser, all_text, header, summary_reached
from tests.slack.fake_slack import FakeSlack
from tests.slack.followup_support import submit
from tests.slack.forged import channels_written, form_opened_by, metadata_naming, naming
from tests.slack.harness import RunningBot


def _calls_after(slack: FakeSlack, method: str, count: int) -> Callable[[], bool]:
    return lambda: len(slack.calls_to(method)) > count


# -- clicks ---------------------------------------------------------------------------------


def test_a_click_naming_another_persons_dm_and_message_acts_only_in_the_clickers_dm(
    user: SlackUser, colleague_user: SlackUser, slack: FakeSlack, their_step: dict
) -> None:
    user.command("leadership")
    mine = user.next_message()
    since, posts = len(slack.calls), len(slack.calls_to("chat.postMessage"))

    user.send_payload(naming(user.click_payload(mine, "lif.rate.3"), their_step))

    slack.wait_for(_calls_after(slack, "chat.postMessage", posts), what="the next step")
    assert channels_written(slack, since) == {user.dm}
    assert header(user.next_message()) == "Leadership 2 of 9"
    assert colleague_user.current(their_step) == their_step, "the colleague's step is untouched"
    assert len(slack.messages_in(colleague_user.dm)) == 1


def test_the_summary_is_redrawn_only_in_the_clickers_dm(
    user: SlackUser, colleague_user: SlackUser, slack: FakeSlack, their_step: dict
) -> None:
    summary = summary_reached(user)
    since, posts = len(slack.calls), len(slack.calls_to("chat.postMessage"))

    user.send_payload(naming(user.click_payload(summary, "lif.confirm"), their_step))

    slack.wait_for(_calls_after(slack, "chat.postMessage", posts), what="the schedule note")
    assert colleague_user.current(their_step) == their_step
    assert channels_written(slack, since) == {user.dm}


def test_a_patient_data_choice_naming_another_persons_message_saves_in_the_own_dm(
    user: SlackUser,
    colleague_user: SlackUser,
    slack: FakeSlack,
    their_step: dict,
    bot: RunningBot,
    nurse: Person,
) -> None:
    user.command("leadership")
    user.next_message()
    user.say("Not sure. Mrs Jones in bed 3 noticed.")
    warning = user.next_message()
    since, posts = len(slack.calls), len(slack.calls_to("chat.postMessage"))

    user.send_payload(naming(user.click_payload(warning, "lif.pd.redact"), their_step))

    slack.wait_for(_calls_after(slack, "chat.postMessage", posts), what="the saved note")
    assert colleague_user.current(their_step) == their_step, "the nurse's words never reach them"
    assert channels_written(slack, since) == {user.dm}
    assert "Saved with the patient details removed." in all_text(user.next_message())
    assert bot.coach.service.resume(nurse).answer.text == "Not sure. [patient identifier] noticed."


# -- forms ----------------------------------------------------------------------------------


def test_a_goal_form_whose_metadata_names_another_persons_message_updates_only_the_own_dm(
    user: SlackUser, colleague_user: SlackUser, slack: FakeSlack, their_step: dict
) -> None:
    summary = summary_reached(user)
    form = form_opened_by(user, summary, "lif.goal.L1")
    since = len(slack.calls)

    forged = metadata_naming(form, c=colleague_user.dm, t=their_step["ts"])
    assert user.submit(forged, "Lead the huddle").body == ""

    shown = slack.wait_for(
        lambda: "Lead the huddle" in all_text(last := slack.messages_in(user.dm)[-1]) and last,
        what="the summary, with the goal, in the nurse's DM",
    )
    assert header(shown) == "Your priority areas"
    assert colleague_user.current(their_step) == their_step, "the nurse's goal never reaches them"
    assert channels_written(slack, since) == {user.dm}


def test_a_goal_form_whose_metadata_names_another_persons_reflection_is_refused(
    user: SlackUser,
    colleague_user: SlackUser,
    slack: FakeSlack,
    bot: RunningBot,
    nurse: Person,
    colleague: Person,
) -> None:
    their_summary = summary_reached(colleague_user)
    their_id = their_summary["blocks"][-1]["elements"][0]["value"]
    summary = summary_reached(user)
    form = form_opened_by(user, summary, "lif.goal.L1")
    since = len(slack.calls)

    ack = user.submit(metadata_naming(form, r=their_id), "Take over their huddle")

    assert ack.json() == {
        "response_action": "errors",
        "errors": {"goal": "That reflection belongs to someone else, so it can't be changed here."},
    }
    assert bot.coach.service.resume(colleague).priorities[0].goal is None
    assert bot.coach.service.resume(nurse).priorities[0].goal is None
    assert channels_written(slack, since) == set()


def test_a_reflection_form_whose_metadata_names_another_dm_is_acknowledged_in_the_own_dm(
    user: SlackUser, colleague_user: SlackUser, slack: FakeSlack, their_step: dict
) -> None:
    user.command("improvement")
    form = form_opened_by(user, user.next_message(), "lif.write")
    since = len(slack.calls)

    user.submit(metadata_naming(form, c=colleague_user.dm, t=their_step["ts"]), "We mapped it")

    assert "Saved your reflection on *I1" in all_text(user.next_message())
    assert channels_written(slack, since) == {user.dm}
    assert len(slack.messages_in(colleague_user.dm)) == 1


def test_the_delete_form_says_it_is_done_only_in_the_own_dm(
    user: SlackUser,
    colleague_user: SlackUser,
    slack: FakeSlack,
    their_step: dict,
    bot: RunningBot,
    colleague: Person,
) -> None:
    user.command("leadership")
    user.next_message()
    user.command("delete")
    offer = user.next_message()
    modal = form_opened_by(user, offer, DELETE_ACTION)
    since = len(slack.calls)

    forged = dict(modal, private_metadata=f"{colleague_user.dm}|{their_step['ts']}")
    submit(user, forged, {})

    assert "Done: everything" in user.next_ephemeral(), "said in the nurse's own DM"
    assert colleague_user.current(their_step) == their_step
    assert channels_written(slack, since) == {user.dm}
    assert bot.coach.service.resume(colleague).index == 0, "the colleague's reflection is kept"


def test_the_role_form_whose_metadata_names_another_message_leaves_it_alone(
    user: SlackUser, colleague_user: SlackUser, slack: FakeSlack, their_step: dict
) -> None:
    user.command("leadership")
    mine = user.next_message()
    since = len(slack.calls)
    role_form = {
        "id": "V-ROLE",
        "callback_id": "lif.role_modal",
        "private_metadata": f'{{"c": "{colleague_user.dm}", "t": "{their_step["ts"]}"}}',
        "blocks": [
            {
                "type": "input",
                "block_id": "role",
                "element": {"type": "plain_text_input", "action_id": "role_text"},
                "label": {"type": "plain_text", "text": "Your role"},
            }
        ],
    }

    assert user.submit(role_form, "Ward manager").body == ""

    slack.wait_for(lambda: channels_written(slack, since), what="the thank-you")
    assert colleague_user.current(their_step) == their_step
    assert channels_written(slack, since) == {user.dm}
    assert user.current(mine) == mine


# -- DM messages ------------------------------------------------------------------------------


def test_a_dm_message_event_naming_another_persons_dm_is_answered_in_the_own_dm(
    user: SlackUser, colleague_user: SlackUser, slack: FakeSlack, their_step: dict
) -> None:
    user.command("leadership")
    user.next_message()
    since = len(slack.calls)
    now = f"{time.time():.6f}"
    event = {
        "type": "message",
        "channel": colleague_user.dm,
        "user": user.user_id,
        "text": "I lead the huddle on the ward.",
        "ts": now,
        "event_ts": now,
        "channel_type": "im",
    }

    assert user.send_event(event).status == 200

    assert "Saved your reflection on *L1" in all_text(user.next_message())
    assert channels_written(slack, since) == {user.dm}
    assert len(slack.messages_in(colleague_user.dm)) == 1


# -- the cost: the DM is remembered ----------------------------------------------------------


def test_a_command_and_the_clicks_and_replies_after_it_open_the_dm_once(
    user: SlackUser, slack: FakeSlack
) -> None:
    user.command("leadership")
    step = user.next_message()
    user.click(step, "lif.rate.3")
    step = user.next_message()
    user.say("I lead the huddle.")
    user.next_message()
    user.click(step, "lif.skip")
    user.next_message()

    assert len(slack.calls_to("conversations.open")) == 1


def test_after_a_restart_a_click_opens_the_dm_once_and_then_remembers_it(
    start_bot: Callable[[], RunningBot], slack: FakeSlack
) -> None:
    first = start_bot()
    user = SlackUser(first.events_url, slack)
    user.command("leadership")
    step = user.next_message()
    first.stop()
    user.events_url = start_bot().events_url
    opened = len(slack.calls_to("conversations.open"))

    user.click(step, "lif.rate.3")
    step = user.next_message()
    user.click(step, "lif.rate.4")
    assert header(user.next_message()) == "Leadership 3 of 9"

    assert len(slack.calls_to("conversations.open")) == opened + 1
