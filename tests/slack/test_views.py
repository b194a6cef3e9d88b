"""Modal submissions: saved before the ack, or refused with the problem under the input."""

from __future__ import annotations

from bot.coaching.models import Person
from tests.slack.driver import SlackUser, all_text, summary_reached
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot


def _goal_form(user: SlackUser, slack: FakeSlack, summary: dict, attribute_id: str) -> dict:
    opened = len(slack.views)
    user.click(summary, f"lif.goal.{attribute_id}")
    return slack.wait_for(lambda: len(slack.views) > opened and slack.last_modal())


def test_a_goal_longer_than_the_form_allows_is_refused_under_the_input(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    summary = summary_reached(user)
    form = _goal_form(user, slack, summary, "L1")

    ack = user.submit(form, "g" * 3_001)  # a client that ignores max_length

    assert ack.json()["response_action"] == "errors"
    assert "3,001 characters" in ack.json()["errors"]["goal"]
    assert bot.coach.service.resume(nurse).priorities[0].goal is None


def test_a_goal_for_a_priority_dropped_meanwhile_is_refused_under_the_input(
    user: SlackUser, slack: FakeSlack
) -> None:
    summary = summary_reached(user)
    form = _goal_form(user, slack, summary, "L1")
    user.click(summary, "lif.drop.L1")
    slack.wait_for(lambda: "lif.drop.L1" not in str(user.current(summary)["blocks"]))

    ack = user.submit(form, "Lead the huddle")

    assert ack.json() == {
        "response_action": "errors",
        "errors": {"goal": "L1 is not one of your priority areas."},
    }


def test_an_empty_goal_clears_it(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    summary = summary_reached(user)
    user.submit(_goal_form(user, slack, summary, "L2"), "Shadow the matron")
    slack.wait_for(lambda: "Shadow the matron" in all_text(user.current(summary)))
    user.submit(_goal_form(user, slack, summary, "L2"), "")
    slack.wait_for(lambda: "Shadow the matron" not in all_text(user.current(summary)))
    assert bot.coach.service.resume(nurse).priorities[1].goal is None


def test_the_reflection_form_saves_its_text_and_acknowledges_it_in_the_dm(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    user.command("improvement")
    step = user.next_message()
    user.click(step, "lif.write")
    form = slack.wait_for(slack.last_modal, what="the reflection form")

    ack = user.submit(form, "We mapped the discharge process end to end <!here>")

    assert ack.status == 200 and ack.body == ""
    assert "Saved your reflection on *I1" in all_text(user.next_message())
    answer = bot.coach.service.resume(nurse).answer
    assert answer is not None and answer.text.endswith("end to end <!here>")
