"""Over Slack: the coach's suggestion added from another domain, going back to a skipped
attribute, and the signpost after words of distress (the real app, signed requests)."""

from __future__ import annotations

from typing import Any

from bot.coaching.models import Person
from tests.slack.driver import SlackUser, all_text, find_element, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot

ACROSS_BOUNDARIES = (
    "We never map anything, and our teams do not work across boundaries with social care, "
    "so patients fall between services."
)
SUMMARY = "Your priority areas"


def _improvement_with_words_on_i3_and_i4_skipped(user: SlackUser) -> dict[str, Any]:
    user.command("improvement")
    step = user.next_message()
    while header(step) != SUMMARY:
        if header(step) == "Improvement 3 of 10":
            user.say(ACROSS_BOUNDARIES)
            assert "This also sounds like C5" in all_text(user.next_message())
        user.click(step, "lif.skip" if header(step) == "Improvement 4 of 10" else "lif.rate.3")
        step = user.next_message()
    return step


def _option(message: dict[str, Any], action_id: str, attribute_id: str) -> str:
    _, menu = find_element(message["blocks"], action_id)
    return next(o["value"] for o in menu["options"] if o["value"].endswith(f"|{attribute_id}"))


def test_the_coachs_suggestion_from_another_domain_is_added_from_the_menu(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    summary = _improvement_with_words_on_i3_and_i4_skipped(user)
    text = all_text(summary)
    assert "I said your words also sounded like C5 Working across boundaries" in text
    assert "connects with" in text  # the framework's links to the other domains

    user.click(summary, "lif.add", option=_option(summary, "lif.add", "C5"))

    slack.wait_for(lambda: "I suggested it when you wrote" in all_text(user.current(summary)))
    chosen = bot.coach.service.resume(nurse)
    assert [p.attribute.id for p in chosen.priorities][-1] == "C5"
    assert "I suggested it when you wrote about I3" in chosen.priorities[-1].rationale


def test_a_skipped_attribute_is_named_and_its_button_goes_back_to_it(
    user: SlackUser, slack: FakeSlack
) -> None:
    summary = _improvement_with_words_on_i3_and_i4_skipped(user)
    assert "You left I4 Flow, demand and waste without a rating" in all_text(summary)

    user.click(summary, "lif.return.I4")

    assert header(user.next_message()) == "Improvement 4 of 10"
    slack.wait_for(lambda: "You went back to *I4" in all_text(user.current(summary)))


def test_words_of_distress_get_one_kind_signpost_after_they_are_saved(
    user: SlackUser, slack: FakeSlack
) -> None:
    user.command("leadership")
    step = user.next_message()
    user.say("I'm burnt out and I can't go on like this.")
    assert "Saved your reflection on *L1" in all_text(user.next_message())
    signpost = all_text(user.next_message())
    assert "Thank you for telling me" in signpost and "116 123" in signpost

    user.say("Some days I want to end it all.")
    assert "Added to what you wrote on *L1" in all_text(user.next_message())
    user.click(step, "lif.rate.2")
    assert header(user.next_message()) == "Leadership 2 of 9"
    texts = [m.get("text", "") for m in slack.messages_in(user.dm)]
    assert sum("116 123" in t for t in texts) == 1
