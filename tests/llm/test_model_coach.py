"""A reflection with the AI coach switched on, told as conversations, over real HTTP."""

from __future__ import annotations

from bot.coaching.engine import ReflectionService
from bot.coaching.guard import PatientDataChoice
from bot.coaching.models import Person
from bot.coaching.views import StepView, SummaryView
from bot.llm.metrics import LlmMetrics
from tests.llm.conftest import dumps, humans, schema_of
from tests.llm.fake_openai import FakeOpenAI, Reply

LEADERSHIP_RATINGS = [2, 4, 3, 1, 5, 4, 3, 4, 4]


def _finish(
    coach: ReflectionService,
    person: Person,
    step: StepView,
    ratings: list[int],
    texts: dict[str, str] | None = None,
):
    """Rate each step in turn, first writing the text given for its attribute, if any."""
    outcome: StepView | SummaryView = step
    for rating in ratings:
        assert isinstance(outcome, StepView)
        rid, attribute_id = outcome.reflection_id, outcome.attribute.id
        if attribute_id in (texts or {}):
            coach.write(person, rid, attribute_id, texts[attribute_id])
        outcome = coach.rate(person, rid, attribute_id, rating)
    return outcome


def test_the_role_is_asked_once_and_shapes_the_personalised_question(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    assert llm_coach.introduction(nurse).role_question.startswith("Before we start")
    llm_coach.set_role(nurse, "ward manager")
    assert llm_coach.introduction(nurse).role_question is None

    step = llm_coach.start(nurse, "leadership")

    assert step.question.text == "Thinking of L1, what happened?"
    assert step.question.stage == "personalised" and step.fallback_notice is None
    (sent,) = humans(openai_server)
    assert step.attribute.statement in sent
    assert step.context and step.context in sent  # the retrieved context for the attribute
    assert "<person_text>ward manager</person_text>" in sent
    assert step.question.id == "L1-what" or step.question.id.startswith("L1-")


def test_earlier_answers_go_in_redacted_and_nothing_identifies_the_person(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    step = llm_coach.start(nurse, "leadership")
    llm_coach.write(
        nurse,
        step.reflection_id,
        "L1",
        "Mr Smith in bed 12 (NHS 943 476 5919) showed me our vision is not shared.",
        patient_data=PatientDataChoice.KEEP,  # kept as written in the database...
    )
    llm_coach.rate(nurse, step.reflection_id, "L1", 2)

    second = humans(openai_server)[-1]
    assert '<answer attribute="L1" rating="2">' in second
    assert "[patient identifier] (NHS [NHS number]) showed me our vision is not shared." in second
    sent = dumps(openai_server)  # ...but never sent to the model
    assert "943 476 5919" not in sent and "Smith" not in sent
    assert nurse.user_id not in sent and nurse.workspace_id not in sent


def test_a_personalised_question_is_remembered_not_asked_for_again(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    step = llm_coach.start(nurse, "improvement")
    again = llm_coach.current(nurse, step.reflection_id)
    assert again.question.text == step.question.text
    assert len(openai_server.requests) == 1


def test_a_short_answer_gets_one_follow_up_and_a_full_one_none(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    step = llm_coach.start(nurse, "leadership")
    rid = step.reflection_id
    llm_coach.write(nurse, rid, "L1", "Not sure really.")
    assert llm_coach.follow_up(nurse, rid, "L1") == (
        "Can you give me one example of when that happened?"
    )
    follow_up_request = humans(openai_server)[-1]
    assert "Not sure really." in follow_up_request and step.question.text in follow_up_request

    llm_coach.write(nurse, rid, "L1", "Not sure really.\n\nMaybe at handover.")
    assert llm_coach.follow_up(nurse, rid, "L1") is None  # at most one per attribute

    step = llm_coach.rate(nurse, rid, "L1", 2)
    llm_coach.write(
        nurse,
        rid,
        "L2",
        "I asked the matron to back our falls bundle before the board met, "
        "and prepared the data she would want to see first.",
    )
    calls = len(openai_server.requests)
    assert llm_coach.follow_up(nurse, rid, "L2") is None
    assert len(openai_server.requests) == calls  # a full answer needs no model call


def test_the_summary_is_the_models_wording_traced_to_the_persons_own_words(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    step = llm_coach.start(nurse, "leadership")
    texts = {"L4": "I avoid challenging the consultants. They outrank me."}
    summary = _finish(llm_coach, nurse, step, LEADERSHIP_RATINGS, texts)

    assert isinstance(summary, SummaryView) and summary.fallback_notice is None
    assert [p.attribute.id for p in summary.priorities] == ["L4", "L1", "L3"]
    challenge = summary.priorities[0]
    assert challenge.quote == "I avoid challenging the consultants"
    assert challenge.rationale.startswith("You rated yourself 1 here")
    assert "Possible first steps: Talk it through with a colleague this week." in (
        challenge.rationale
    )
    assert schema_of(openai_server.requests[-1]) == "DraftSummary"
    assert summary.candidates and "L4" not in [c.id for c in summary.candidates]


def test_a_summary_naming_unknown_attributes_or_invented_quotes_is_repaired(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    step = llm_coach.start(nurse, "leadership")
    llm_coach.write(nurse, step.reflection_id, "L1", "We have no shared vision on the ward.")
    openai_server.queue(*[Reply.text("What happened?")] * 8)  # the questions of L2..L9
    openai_server.queue(
        Reply.json(
            {
                "priorities": [
                    {
                        "attribute_id": "C9",
                        "rationale": "Not in this reflection at all.",
                        "quotes": [],
                        "first_steps": [],
                    },
                    {
                        "attribute_id": "L1",
                        "rationale": 'You said "everyone hates me" here.',
                        "quotes": [],
                        "first_steps": [],
                    },
                    {
                        "attribute_id": "L4",
                        "rationale": "Your lowest rating is on challenge.",
                        "quotes": ["I never speak up", "We have no shared vision on the ward"],
                        "first_steps": ["Visit https://example.com now", "Ask one question"],
                    },
                ]
            }
        )
    )
    summary = _finish(llm_coach, nurse, step, LEADERSHIP_RATINGS)

    assert summary.fallback_notice is None
    ids = [p.attribute.id for p in summary.priorities]
    assert ids[0] == "L4" and "C9" not in ids and len(ids) == 3
    challenge = summary.priorities[0]
    assert challenge.quote == "We have no shared vision on the ward"  # the invented one dropped
    assert "https://" not in challenge.rationale and "Ask one question" in challenge.rationale
    vision = next(p for p in summary.priorities if p.attribute.id == "L1")
    assert "everyone hates me" not in vision.rationale  # an untraceable claim: offline wording
    assert vision.rationale.startswith("You rated yourself 2 of 5")


def test_a_summary_with_nothing_usable_falls_back_to_the_offline_one(
    llm_coach: ReflectionService,
    coach: ReflectionService,
    nurse: Person,
    openai_server: FakeOpenAI,
) -> None:
    step = llm_coach.start(nurse, "leadership")
    openai_server.queue(*[Reply.text("What happened?")] * 8)
    openai_server.queue(
        Reply.json(
            {
                "priorities": [
                    {"attribute_id": "X1", "rationale": "No", "quotes": [], "first_steps": []}
                ]
            }
        )
    )
    summary = _finish(llm_coach, nurse, step, LEADERSHIP_RATINGS)

    assert "Nothing you entered was lost" in summary.fallback_notice
    assert [p.attribute.id for p in summary.priorities] == ["L4", "L1", "L3"]
    assert summary.priorities[0].rationale.startswith("You rated yourself 1 of 5")


def test_every_call_records_latency_and_tokens(
    llm_coach: ReflectionService, nurse: Person, metrics: LlmMetrics
) -> None:
    llm_coach.start(nurse, "care_delivery")
    snapshot = metrics.snapshot()
    assert snapshot["calls"] == {("question", "ok"): 1}
    assert snapshot["tokens"] == {("question", "input"): 50, ("question", "output"): 12}
    assert 0 < snapshot["seconds"][("question", "ok")] < 0.5
