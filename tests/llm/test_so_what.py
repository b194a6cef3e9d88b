"""With the AI coach on, a So-what question is written from the person's What, and checked."""

from __future__ import annotations

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person
from bot.coaching.views import StepView
from tests.llm.conftest import humans
from tests.llm.fake_openai import FakeOpenAI, Reply

WHAT = "Beds wait hours for pharmacy sign-off at night, Mr Smith in bed 12 among them."


def _so_what(coach: ReflectionService, nurse: Person) -> StepView:
    step = coach.start(nurse, "improvement", mode="deep")
    following = coach.reply(nurse, step.reflection_id, "I1", WHAT, patient_data="redact").outcome
    assert isinstance(following, StepView) and following.stage == "so_what"
    return following


def test_the_so_what_is_written_from_the_persons_what_redacted(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    openai_server.queue(Reply.text("Thinking of I1, what happened?"))  # the What
    openai_server.queue(Reply.text("What does waiting on pharmacy at night tell you about flow?"))
    step = _so_what(llm_coach, nurse)
    assert step.question.text == "What does waiting on pharmacy at night tell you about flow?"
    assert step.question.stage == "personalised" and step.fallback_notice is None
    sent = humans(openai_server)[-1]
    assert 'Ask the "So what" question' in sent and "pharmacy sign-off at night" in sent
    assert "Mr Smith" not in sent and "bed 12" not in sent
    again = llm_coach.current(nurse, step.reflection_id)
    assert isinstance(again, StepView) and again.question.text == step.question.text
    assert len(openai_server.requests) == 2, "remembered, not asked again"


def test_a_so_what_that_presupposes_what_was_never_said_falls_back_to_the_offline_one(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    openai_server.queue(Reply.text("Thinking of I1, what happened?"))
    openai_server.queue(Reply.text("What did the map show you about the delays?"))
    step = _so_what(llm_coach, nurse)
    assert step.question.text.startswith('You wrote: "Beds wait hours for pharmacy sign-off')
    assert step.fallback_notice and "standard wording" in step.fallback_notice


def test_a_what_the_model_words_must_not_presuppose_an_activity_either(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    openai_server.queue(Reply.text("Which process have you recently mapped with your team?"))
    step = llm_coach.start(nurse, "improvement", mode="deep")
    assert step.question.id == "I1-what" and step.question.stage == "what"
    assert step.fallback_notice
