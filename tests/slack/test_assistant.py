"""Questions about the framework over Slack, with the offline coach (the best-matching passages)."""

from __future__ import annotations

from bot.coaching.models import Person
from tests.slack.driver import SlackUser, all_text, header
from tests.slack.harness import RunningBot

QUESTION = "How should I measure impact and variation?"


def test_ask_answers_in_the_dm_with_the_passages_it_cites(user: SlackUser) -> None:
    ack = user.command(f"ask {QUESTION}")
    assert ack.status == 200 and "answer in our direct message" in ack.body

    answer = user.next_message()
    assert header(answer) == "About the framework"
    assert "Here is what the framework says that best matches your question:" in answer["text"]
    assert "From the framework: I7 " in all_text(answer)
    assert len(user.slack.calls_to("chat.postMessage")) == 1, "no placeholder without a model"


def test_a_question_in_the_dm_mid_reflection_is_answered_not_saved(
    user: SlackUser, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    user.next_message()

    user.say(f"? {QUESTION}")

    assert "From the framework: I7 " in all_text(user.next_message())
    assert bot.coach.service.resume(nurse).answer is None


def test_a_clinical_question_is_declined_politely(user: SlackUser) -> None:
    user.say("What dose of paracetamol should I give after surgery?")
    answer = user.next_message()
    assert "not with clinical questions" in all_text(answer)
    assert "From the framework" not in all_text(answer)


def test_an_empty_question_says_how_to_ask(user: SlackUser) -> None:
    user.command("ask")
    assert "Ask me a question about the framework" in user.next_ephemeral()


def test_help_lists_ask(user: SlackUser) -> None:
    assert (
        "• `/lif-reflect ask` and a question: ask about the framework" in user.command("help").body
    )


def test_without_the_ai_coach_there_is_no_role_question(user: SlackUser) -> None:
    user.command()
    user.next_message()
    assert len(user.slack.messages_in(user.dm)) == 1
