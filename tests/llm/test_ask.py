"""`ask`: questions about the framework, offline and with the AI coach."""

from __future__ import annotations

import pytest

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import InvalidInput
from bot.coaching.models import Person
from tests.llm.conftest import schema_of
from tests.llm.fake_openai import FakeOpenAI, Reply

ON_TOPIC = "How can I measure improvement and show the impact of a change?"


def test_offline_the_answer_is_the_best_matching_framework_passages(
    coach: ReflectionService, nurse: Person
) -> None:
    view = coach.ask(nurse, ON_TOPIC)
    assert not view.declined and view.fallback_notice is None
    assert view.answer.startswith("Here is what the framework says")
    assert view.citations and all(c.attribute.id in view.answer for c in view.citations)
    assert "I7" in [c.attribute.id for c in view.citations]


@pytest.mark.parametrize(
    "question",
    [
        "What dose of gentamicin should I give a 70kg patient?",
        "What are the symptoms of sepsis in older people?",
        "Should I stop his anticoagulant before surgery?",
    ],
)
def test_clinical_questions_are_declined_before_any_model_call(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI, question: str
) -> None:
    view = llm_coach.ask(nurse, question)
    assert view.declined and "not with clinical questions" in view.answer
    assert not view.citations and openai_server.requests == []


def test_off_topic_questions_are_declined_politely(coach: ReflectionService, nurse: Person) -> None:
    view = coach.ask(nurse, "Where can I park my car tonight?")
    assert view.declined and view.answer.startswith("I can only answer questions about")


def test_with_the_model_the_answer_is_grounded_in_the_retrieved_passages(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    view = llm_coach.ask(nurse, ON_TOPIC)
    (request,) = openai_server.requests
    assert schema_of(request) == "DraftAnswer"
    sent = request["messages"][-1]["content"]
    assert f"<person_text>\n{ON_TOPIC}\n</person_text>" in sent
    cited = view.citations[0].attribute
    assert f"{cited.id}: {cited.statement}" in sent  # the passage it cites was sent
    assert view.answer == f"The framework covers this in ({cited.id})."


def test_an_answer_citing_what_was_not_retrieved_falls_back_to_the_passages(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    openai_server.queue(
        Reply.json({"answer": "See C10 (C10).", "cited_attribute_ids": ["C10"], "declined": False})
    )
    view = llm_coach.ask(nurse, ON_TOPIC)
    assert view.answer.startswith("Here is what the framework says")
    assert "Nothing you entered was lost" in view.fallback_notice


def test_the_model_may_decline_and_the_person_gets_the_standard_refusal(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    openai_server.queue(Reply.json({"answer": "No.", "cited_attribute_ids": [], "declined": True}))
    view = llm_coach.ask(nurse, ON_TOPIC)
    assert view.declined and view.answer.startswith("I can only answer questions about")


def test_the_question_is_redacted_before_the_model_sees_it(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    llm_coach.ask(nurse, "How do I measure improvement for Mr Smith in bed 12 on our ward?")
    assert "Smith" not in openai_server.sent_text()
    assert "[patient identifier]" in openai_server.sent_text()


def test_an_empty_question_is_explained(coach: ReflectionService, nurse: Person) -> None:
    with pytest.raises(InvalidInput, match="Ask me a question about the framework"):
        coach.ask(nurse, "   ")
