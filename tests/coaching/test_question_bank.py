"""Every question of the bank asks only about what the person has already said.

"Presupposes" is defined in bot/coaching/presupposing.py as a list of phrasings: a What question
(asked before a word is said) must not take an activity or an artefact for granted; a So-what or
Now-what question (shown only after a What answer) may refer to what the person described, never
to anything particular that they may not have said.
"""

from __future__ import annotations

import pytest

from bot.coaching.models import Stage
from bot.coaching.presupposing import presupposition
from bot.content import load_question_bank

BANK = load_question_bank()
ALL = [q for questions in BANK.questions.values() for q in questions]


def test_every_attribute_has_one_question_per_stage_of_the_cycle(framework) -> None:
    for attribute in framework.attributes():
        stages = [q.stage for q in BANK.for_attribute(attribute.id)]
        assert stages == [Stage.WHAT, Stage.SO_WHAT, Stage.NOW_WHAT], attribute.id


@pytest.mark.parametrize("question", ALL, ids=[q.id for q in ALL])
def test_no_question_of_the_bank_presupposes_an_answer_not_given(question) -> None:
    assert presupposition(question.text, question.stage) is None, question.text


def test_the_what_after_a_low_rating_presupposes_nothing() -> None:
    assert BANK.low_rating_what
    assert presupposition(BANK.low_rating_what, Stage.WHAT) is None


@pytest.mark.parametrize(
    ("question", "stage"),
    [
        # The bank's questions that told people what they should have done already.
        ("What did the map show you about delays, duplication or workarounds?", "so_what"),
        ("What did the data show, including variation over time?", "so_what"),
        ("Which process have you recently mapped or walked through step by step?", "what"),
        ("When did you last ask patients about their experience?", "what"),
        ("Describe how you measured a recent change. What did you track?", "what"),
        ("Describe a working relationship you built or repaired recently.", "what"),
        ("How did people respond, and what does it tell you?", "so_what"),
        ("What did they tell you that you hadn't expected?", "so_what"),
        ("What was behind the resistance?", "so_what"),
    ],
)
def test_the_definition_catches_questions_that_presuppose(question: str, stage: str) -> None:
    assert presupposition(question, stage) is not None


def test_a_so_what_may_name_what_the_person_described() -> None:
    said = "We mapped the discharge process last month with the ward clerks."
    assert presupposition("What did the map show you about delays?", "so_what", said) is None
    assert presupposition("What did the data show you about delays?", "so_what", said)
