"""The reflective cycle and every word kept, over Slack: a person in their DM with the bot."""

from __future__ import annotations

from bot.coaching.models import Person, Stage, Status
from bot.slack.payloads import deleted_dm, edited_dm
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot


def _answer(bot: RunningBot, nurse: Person, attribute_id: str):
    reflection = bot.coach.service.repository.active_for(nurse)
    assert reflection is not None
    return reflection.answers[attribute_id]


def test_a_deep_attribute_runs_what_so_what_now_what_in_the_dm(
    user: SlackUser, bot: RunningBot, nurse: Person
) -> None:
    user.command("improvement")
    first = user.next_message()
    assert "_Quick: a rating and one question per attribute." in all_text(first)
    user.click(first, "lif.mode.deep")
    step = user.next_message()
    assert header(step) == "Improvement 1 of 10" and "*What?* (1 of 3)" in all_text(step)
    assert "lif.mode.deep" not in action_ids(user.current(first)), "the old step is closed"

    user.say("Beds were blocked for hours by pharmacy sign-off at night.")
    assert "Saved your reflection on *I1" in all_text(user.next_message())
    so_what = user.next_message()
    assert "*So what?* (2 of 3)" in all_text(so_what)
    assert 'You wrote: "Beds were blocked for hours by pharmacy sign-off at night."' in all_text(
        so_what
    )
    user.click(so_what, "lif.skip_question")
    now_what = user.next_message()
    assert "*Now what?* (3 of 3)" in all_text(now_what)
    user.say("Walk the discharge path with pharmacy.")
    user.next_message()  # saved
    rating = user.next_message()
    assert "Now your rating" in all_text(rating) and "lif.skip_question" not in action_ids(rating)
    user.click(rating, "lif.rate.2")
    assert header(user.next_message()) == "Improvement 2 of 10"

    reflection = bot.coach.service.repository.active_for(nurse)
    answer = reflection.answers["I1"]
    assert [p.stage for p in answer.parts] == [Stage.WHAT, Stage.NOW_WHAT]
    assert answer.skipped_stages == [Stage.SO_WHAT] and answer.rating == 2


def test_an_edited_dm_replaces_its_words_and_a_deleted_one_removes_them(
    user: SlackUser, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    user.next_message()
    user.say("The consultants and I disagree on direction.")
    first = user.last_said
    user.next_message()
    user.say("Sorry, wrong chat: my shopping list.")
    second = user.last_said
    assert "Added to what you wrote on *L1" in all_text(user.next_message())

    user.edit(first, "The consultants and I do not agree on direction.")
    assert "Updated what you wrote on L1 with your edit." in all_text(user.next_message())
    user.delete(second)
    assert "Removed that message from what you wrote on L1." in all_text(user.next_message())
    assert _answer(bot, nurse, "L1").text == "The consultants and I do not agree on direction."


def test_editing_a_question_changes_nothing(
    user: SlackUser, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    user.next_message()
    user.say("?what is I7")
    user.next_message()
    user.edit(user.last_said, "?what is I3")
    user.say("Direction is unclear.")
    assert "Saved your reflection on *L1" in all_text(user.next_message())
    assert _answer(bot, nurse, "L1").text == "Direction is unclear."


def test_starting_anew_asks_first_and_resume_lists_the_ones_set_aside_to_reopen(
    user: SlackUser, bot: RunningBot, nurse: Person, slack: FakeSlack
) -> None:
    user.command("leadership")
    user.click(user.next_message(), "lif.rate.3")
    user.next_message()
    user.command("improvement")
    asked = user.next_message()
    assert (
        "You have an unfinished reflection on Leadership (1 of 9). Resume it, or start a new one?"
        in all_text(asked)
    )
    assert action_ids(asked) == ["lif.resume", "lif.start_new"]
    leadership = bot.coach.service.repository.active_for(nurse)
    user.click(asked, "lif.start_new")
    assert header(user.next_message()) == "Improvement 1 of 10"
    slack.wait_for(lambda: "is set aside, with everything in it" in all_text(user.current(asked)))
    assert bot.coach.service.repository.get(leadership.id).status == Status.ABANDONED

    user.command("resume")
    listed = user.next_message()
    text = all_text(listed)
    assert text.index("Improvement, started") < text.index("Leadership, started")
    assert "1 of 9 done, set aside" in text
    assert action_ids(listed) == ["lif.resume", "lif.reopen"]
    user.click(listed, "lif.reopen")
    assert header(user.next_message()) == "Leadership 2 of 9", "reopened where it was left"
    assert bot.coach.service.repository.active_for(nurse).id == leadership.id


def test_only_a_persons_own_edits_and_deletions_in_the_dm_are_read_as_such() -> None:
    mine = {"type": "message", "user": "U1", "ts": "1.1", "text": "new words"}
    edit = {"subtype": "message_changed", "channel_type": "im", "message": mine}
    assert edited_dm(edit) == ("1.1", "new words")
    assert edited_dm(edit | {"message": mine | {"bot_id": "B1"}}) is None, "the bot's own update"
    assert edited_dm(edit | {"channel_type": "channel"}) is None
    assert edited_dm({"channel_type": "im", "user": "U1", "ts": "1.1", "text": "x"}) is None
    deletion = {"subtype": "message_deleted", "channel_type": "im", "deleted_ts": "1.1"}
    assert deleted_dm(deletion | {"previous_message": mine}) == "1.1"
    assert deleted_dm(deletion | {"previous_message": mine | {"bot_id": "B1"}}) is None
    assert edited_dm(edit | {"message": "not a message"}) is None
    assert deleted_dm(deletion | {"previous_message": {"user": "U1", "ts": 7}}) is None
