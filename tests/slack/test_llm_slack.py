"""The AI coach over Slack: the real app under uvicorn, a fake Web API and a fake OpenAI server.

The Coach is built as in production (build_coach, model_coach_ports) with LIF_LLM_MODEL pointing
at a local OpenAI-compatible server, so every model call goes over HTTP through LangChain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.coaching.models import Person, Status
from bot.settings import Settings
from bot.slack.blocks import wording
from tests.llm.conftest import dumps, scripted_coach
from tests.llm.fake_openai import API_KEY, FakeOpenAI, Reply
from tests.slack.driver import SIGNING_SECRET, SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import TOKEN, FakeSlack
from tests.slack.harness import RunningBot
from tests.slack.test_patient_data import ModalFakeSlack

TIMEOUT_S = 2.0
RATINGS = [2, 4, 3, 5, 4, 3, 4, 4, 5]  # L1 lowest
FALLBACK = "The AI coach didn't answer this time"


class NamedUser(SlackUser):
    """A person whose Slack profile has a real-looking name, which must never reach the model."""

    def _user(self) -> dict[str, Any]:
        return super()._user() | {"username": "florence.n", "name": "Florence Nightingale"}


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = ModalFakeSlack().start()
    yield fake
    fake.stop()
    assert fake.problems == []


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(responder=scripted_coach) as server:
        yield server


@pytest.fixture
def settings(
    tmp_path: Path, database_url: str, slack: FakeSlack, openai_server: FakeOpenAI
) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
        llm_model="openai:gpt-4o-mini",
        llm_base_url=openai_server.base_url,
        llm_api_key=API_KEY,
        llm_timeout_s=TIMEOUT_S,
    )


@pytest.fixture
def person(bot: RunningBot, slack: FakeSlack) -> NamedUser:
    return NamedUser(bot.events_url, slack)


def next_filled(user: SlackUser) -> dict[str, Any]:
    """The bot's next message, once any placeholder in it has been filled in place."""
    message = user.next_message()
    return user.slack.wait_for(
        lambda: (now := user.current(message))["text"] != wording.THINKING_TEXT and now,
        what="the placeholder to be filled",
    )


def placeholders(slack: FakeSlack, text: str = wording.THINKING_TEXT) -> list[str]:
    """The ts of every placeholder posted."""
    return [
        c.response["ts"] for c in slack.calls_to("chat.postMessage") if c.params["text"] == text
    ]


def test_a_whole_domain_with_the_ai_coach(
    person: NamedUser, slack: FakeSlack, bot: RunningBot, openai_server: FakeOpenAI, nurse: Person
) -> None:
    person.command()
    intro, role = person.next_message(), person.next_message()
    assert "what is your role" in all_text(role)
    person.click(role, "lif.role")
    person.submit(slack.wait_for(slack.last_modal, what="the role form"), "Ward manager")
    slack.wait_for(lambda: "Thanks" in all_text(person.current(role)))

    person.click(intro, "lif.start.leadership")
    step = next_filled(person)
    for number, rating in enumerate(RATINGS, start=1):
        assert header(step) == f"Leadership {number} of 9"
        assert f"Thinking of L{number}, what happened?" in all_text(step)  # personalised
        assert FALLBACK not in all_text(step)
        if number == 1:
            _reply_with_patient_data_and_a_follow_up(person, slack)
        person.click(step, f"lif.rate.{rating}")
        step = next_filled(person)

    summary = step
    assert header(summary) == "Your priority areas"
    assert "You rated yourself 2 here, so it is worth working on." in all_text(summary)
    assert "Talk it through with a colleague this week" in all_text(summary)
    assert FALLBACK not in all_text(summary)

    posted = placeholders(slack)
    assert len(posted) == 10  # the first step, eight more steps, and the summary
    updated = {c.params["ts"] for c in slack.calls_to("chat.update")}
    assert set(posted) <= updated, "every placeholder was filled in place"

    sent = dumps(openai_server)
    for identifying in ("U-NURSE", "T-TRUST", "Florence", "florence.n", "Jones", "bed 3"):
        assert identifying not in sent
    assert "[patient identifier]" in sent and "Ward manager" in sent
    reflection = bot.coach.service.repository.active_for(nurse)
    assert reflection is not None and reflection.status == Status.REVIEWING
    assert reflection.answers["L1"].text == (
        "Not sure. [patient identifier] noticed.\n\nWe never agree a vision for the ward."
    )


def _reply_with_patient_data_and_a_follow_up(person: SlackUser, slack: FakeSlack) -> None:
    person.say("Not sure. Mrs Jones in bed 3 noticed.")
    warning = person.next_message()
    person.click(warning, "lif.pd.redact")
    slack.wait_for(lambda: "Saved your reflection on *L1" in all_text(person.current(warning)))
    follow_up = person.next_message()
    assert "Can you give me one example of when that happened?" in all_text(follow_up)
    person.say("We never agree a vision for the ward.")
    assert "Added to what you wrote on *L1" in all_text(person.next_message())


@pytest.fixture
def failing_after(openai_server: FakeOpenAI) -> Callable[[], None]:
    """Make the model fail from now on: a timeout first, then HTTP 500s."""

    def fail() -> None:
        openai_server.queue(Reply.slow(TIMEOUT_S + 1.5))
        openai_server.responder = lambda request: Reply.error(500)

    return fail


def test_the_ai_coach_failing_mid_domain_still_finishes_with_notices(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, failing_after: Callable[[], None]
) -> None:
    user.command("leadership")
    step = next_filled(user)
    for number in range(1, 10):
        if number == 3:
            failing_after()
        if number <= 3:
            assert FALLBACK not in all_text(step)
        else:
            assert FALLBACK in all_text(step) and step["blocks"][1]["type"] == "context"
        user.click(step, "lif.rate.3")
        step = next_filled(user)

    assert header(step) == "Your priority areas" and FALLBACK in all_text(step)
    user.click(step, "lif.confirm")
    slack.wait_for(lambda: header(user.current(step)) == "Your confirmed priority areas")


def test_ask_with_the_ai_coach_answers_in_place_of_a_placeholder(
    user: SlackUser, slack: FakeSlack
) -> None:
    user.command("ask How should I measure impact and variation?")
    answer = user.next_message()
    answer = slack.wait_for(
        lambda: (now := user.current(answer))["text"] != wording.LOOKING_UP_TEXT and now,
        what="the answer",
    )
    assert "The framework covers this in (I7)." in all_text(answer)
    assert "From the framework: I7 " in all_text(answer)
    assert placeholders(slack, wording.LOOKING_UP_TEXT) == [answer["ts"]]


def test_a_clinical_question_is_declined_without_calling_the_model(
    user: SlackUser, openai_server: FakeOpenAI
) -> None:
    user.command("ask Is it safe to give ibuprofen with warfarin?")
    answer = next_filled(user)
    user.slack.wait_for(lambda: "clinical" in all_text(user.current(answer)))
    assert openai_server.requests == []


def test_the_reflection_form_opens_at_once_and_fills_in_when_the_step_is_ready(
    user: SlackUser, slack: ModalFakeSlack
) -> None:
    user.command("improvement")
    step = next_filled(user)
    user.click(step, "lif.write")

    form = slack.wait_for(
        lambda: (v := slack.last_modal()) and v.get("callback_id") == "lif.write_modal" and v,
        what="the reflection form",
    )
    assert slack.calls_to("views.open")[0].params["view"]["title"]["text"] == "One moment"
    assert "Thinking of I1, what happened?" in all_text(form)
    assert user.submit(form, "We mapped discharges").body == ""
    assert "Saved your reflection on *I1" in all_text(user.next_message())


def test_the_role_question_can_be_skipped_and_is_not_asked_again(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    user.command()
    user.next_message()
    role = user.next_message()
    assert action_ids(role) == ["lif.role", "lif.role_skip"]
    user.click(role, "lif.role_skip")
    slack.wait_for(lambda: "won't ask about your role again" in all_text(user.current(role)))

    assert bot.coach.service.introduction(nurse).role_question is None
    user.command()
    user.next_message()
    assert len(slack.messages_in(user.dm)) == 3  # the second introduction comes alone


def test_ask_with_the_ai_coach_failing_answers_offline_with_a_notice(
    user: SlackUser, openai_server: FakeOpenAI
) -> None:
    openai_server.responder = lambda request: Reply.error(500)
    user.command("ask How should I measure impact and variation?")
    answer = user.next_message()
    answer = user.slack.wait_for(
        lambda: (now := user.current(answer))["text"] != wording.LOOKING_UP_TEXT and now,
        what="the answer",
    )
    assert "Here is what the framework says" in all_text(answer)
    assert FALLBACK in all_text(answer) and "From the framework: I7 " in all_text(answer)
