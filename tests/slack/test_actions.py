"""Buttons and menus: answers move the reflection on; old or foreign buttons change nothing."""

from __future__ import annotations

import threading
from typing import Any

from bot.coaching.models import Person
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot


def _start(user: SlackUser, scope: str = "leadership") -> dict[str, Any]:
    user.command(scope)
    return user.next_message()


def _finish(user: SlackUser, step: dict[str, Any], rating: int = 2) -> dict[str, Any]:
    while header(step) not in ("Your priority areas",):
        user.click(step, f"lif.rate.{rating}")
        step = user.next_message()
    return step


def test_skip_moves_on_and_says_so_on_the_skipped_step(user: SlackUser) -> None:
    first = _start(user)
    user.click(first, "lif.skip")
    assert header(user.next_message()) == "Leadership 2 of 9"
    assert "You skipped this one." in all_text(user.current(first))


def test_back_reposts_the_earlier_step_with_the_rating_given(user: SlackUser) -> None:
    first = _start(user)
    user.click(first, "lif.rate.3")
    second = user.next_message()
    user.click(second, "lif.back")
    again = user.next_message()
    assert header(again) == "Leadership 1 of 9"
    assert "Earlier you rated this *3* (Developing)." in all_text(again)
    assert "You went back to the step before." in all_text(user.current(second))


def test_pause_leaves_only_a_resume_button_that_picks_up_the_same_step(user: SlackUser) -> None:
    first = _start(user)
    user.click(first, "lif.pause")
    paused = user.slack.wait_for(
        lambda: action_ids(now := user.current(first)) == ["lif.resume"] and now, what="paused"
    )
    user.click(paused, "lif.resume")
    assert header(user.next_message()) == "Leadership 1 of 9"


def test_a_button_on_an_already_answered_step_explains_and_changes_nothing(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    first = _start(user)  # a copy of the message as it was, buttons and all
    user.click(first, "lif.rate.3")
    user.next_message()
    posts = len(slack.calls_to("chat.postMessage"))

    user.click(first, "lif.rate.5")

    assert "earlier step (L1) you have already answered" in user.next_ephemeral()
    assert len(slack.calls_to("chat.postMessage")) == posts
    step = bot.coach.service.resume(nurse)
    assert step.index == 1 and step.answer is None  # still at L2, L1 still rated 3


def test_someone_elses_button_explains_and_changes_nothing(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    first = _start(user)
    colleague = SlackUser(user.events_url, slack, user_id="U-COLLEAGUE")

    colleague.click(first, "lif.rate.1")

    assert "belongs to someone else" in colleague.next_ephemeral()
    (note,) = slack.calls_to("chat.postEphemeral")
    assert note.params["channel"] == colleague.dm, "told in their own DM, not the nurse's"
    assert bot.coach.service.resume(nurse).index == 0
    assert user.ephemerals() == []


def test_a_button_of_a_finished_reflection_explains_and_changes_nothing(
    user: SlackUser, bot: RunningBot, nurse: Person
) -> None:
    first = _start(user)
    summary = _finish(user, first)
    user.click(summary, "lif.confirm")
    user.slack.wait_for(lambda: "confirmed" in header(user.current(summary)))

    user.click(first, "lif.rate.5")

    assert "finished and its priorities confirmed" in user.next_ephemeral()
    assert bot.coach.service.last_summary(nurse).confirmed


def test_a_button_value_in_an_older_format_is_explained_not_crashed_on(user: SlackUser) -> None:
    first = _start(user)
    payload = user.click_payload(first, "lif.rate.4")
    payload["actions"][0]["value"] = "v1:L1:4"
    user.send_payload(payload)
    assert "older message" in user.next_ephemeral()


def test_a_double_click_records_one_answer_and_posts_one_next_step(
    user: SlackUser, slack: FakeSlack
) -> None:
    first = _start(user)
    clicks = [threading.Thread(target=user.click, args=(first, f"lif.rate.{n}")) for n in (2, 4)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()

    user.next_ephemeral()  # the second click is told why nothing happened
    assert header(user.next_message()) == "Leadership 2 of 9"
    slack.wait_for(lambda: len(slack.calls_to("chat.update")) == 1)
    assert len(slack.messages_in(user.dm)) == 2


def test_priorities_can_be_dropped_swapped_and_added_in_place(user: SlackUser) -> None:
    summary = _finish(user, _start(user))
    assert "lif.drop.L1" in action_ids(summary)

    user.click(summary, "lif.drop.L1")
    summary = user.slack.wait_for(
        lambda: "lif.drop.L1" not in action_ids(now := user.current(summary)) and now
    )
    user.click(summary, "lif.swap.L2", option=f"{_rid(summary)}|L2|L7")
    summary = user.slack.wait_for(
        lambda: "lif.drop.L7" in action_ids(now := user.current(summary)) and now
    )
    user.click(summary, "lif.add", option=f"{_rid(summary)}|L1")
    summary = user.slack.wait_for(
        lambda: "lif.drop.L1" in action_ids(now := user.current(summary)) and now
    )
    assert action_ids(summary)[:4] == ["lif.goal.L7", "lif.drop.L7", "lif.swap.L7", "lif.goal.L3"]
    assert len(user.slack.messages_in(user.dm)) == 10  # edits happened in place


def test_back_from_the_summary_returns_to_the_last_step(user: SlackUser) -> None:
    summary = _finish(user, _start(user))
    user.click(summary, "lif.back")
    assert header(user.next_message()) == "Leadership 9 of 9"
    assert "went back" in all_text(user.current(summary))


def _rid(summary: dict[str, Any]) -> str:
    return next(
        element["value"]
        for block in summary["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "lif.confirm"
    )
