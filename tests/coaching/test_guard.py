"""The patient-data guard: what it finds, what it leaves alone, and how it redacts."""

from __future__ import annotations

import pytest

from bench.guard_eval import load_corpus, match
from bot.coaching.errors import PatientDataWarning
from bot.coaching.guard import KINDS, check, describe, nhs_check_digit_ok, redact, scan


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("NHS number 943 476 5919 on the letter", "nhs_number", "943 476 5919"),
        ("checked 9434765919 on the spine", "nhs_number", "9434765919"),
        ("DOB 12/03/1948, admitted", "date_of_birth", "12/03/1948"),
        ("born on 3 March 1951", "date_of_birth", "3 March 1951"),
        ("ring 07700 900123 later", "phone", "07700 900123"),
        ("switchboard +44 (0)20 7946 0991", "phone", "+44 (0)20 7946 0991"),
        ("send it to jane.doe@nhs.net please", "email", "jane.doe@nhs.net"),
        ("she lives at SW1A 1AA now", "postcode", "SW1A 1AA"),
        ("Mr Smith in bed 12 was confused", "hospital_id", "Mr Smith in bed 12"),
        ("MRN 1234567 for Jones", "hospital_id", "MRN 1234567 for Jones"),
    ],
)
def test_each_kind_is_found_with_its_span(text: str, kind: str, found: str) -> None:
    (finding,) = scan(text)
    assert finding.kind == kind
    assert text[finding.start : finding.end] == found


@pytest.mark.parametrize(
    "text",
    [
        "The number 9434765918 fails the check digit.",
        "We need the new rota finished by 12/03/2027.",
        "Ward 7 has had no pressure ulcers for 100 days.",
        "Bed management is the hardest part of my job.",
        "The patient in bed 12 was waiting for a package of care.",
        "In 2024 we saw a 45% improvement; sickness fell to 4.8%.",
        "I rated myself 3 on L1 and 2 on I7, then C4 3rd time.",
        "Our Discharge Lounge in bed 3 was temporary.",
        "Staff in bay 3 were tired after the night shift.",
    ],
)
def test_hard_negatives_pass_untouched(text: str) -> None:
    result = check(text)
    assert not result.found and result.redacted == text


def test_the_nhs_check_digit_follows_modulus_11() -> None:
    assert nhs_check_digit_ok("9434765919") and nhs_check_digit_ok("4010232137")
    assert not nhs_check_digit_ok("9434765918")
    assert not nhs_check_digit_ok("1111111111")  # passes the sum, but is no one's number
    assert not nhs_check_digit_ok("943476591")


def test_redaction_replaces_each_finding_with_its_label_and_keeps_the_rest() -> None:
    text = "Mrs Jones (NHS 943 476 5919, DOB 01/02/1950) rang from 07700 900123 in LS1 4AP."
    result = check(text)
    assert result.redacted == (
        "Mrs Jones (NHS [NHS number], DOB [date of birth]) rang from [phone number] in [postcode]."
    )
    assert result.kinds == ["nhs_number", "date_of_birth", "phone", "postcode"]
    assert redact(text) == result.redacted
    assert describe(result.kinds) == (
        "an NHS number, a date of birth, a phone number and a postcode"
    )


def test_overlapping_findings_redact_as_one_span() -> None:
    assert redact("Mrs Patel (12/03/1948) in bay 2 was moved") == "[patient identifier] was moved"


def test_the_labelled_corpus_keeps_precision_and_recall_above_ninety_percent() -> None:
    examples = load_corpus()
    assert len(examples) >= 120
    assert {kind for e in examples for kind, _, _ in e.entities} == set(KINDS)
    tp = fp = fn = 0
    for example in examples:
        t, f, n = match(example, scan(example.text))
        tp, fp, fn = tp + t.total(), fp + f.total(), fn + n.total()
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9


# -- the warning flow, as a person meets it -----------------------------------------------------

PATIENT_TEXT = "Mr Smith in bed 12 waited hours because our escalation plan is unclear."


def test_writing_patient_data_warns_and_saves_nothing(coach, nurse, repository) -> None:
    step = coach.start(nurse, "leadership")
    with pytest.raises(PatientDataWarning) as caught:
        coach.write(nurse, step.reflection_id, "L1", PATIENT_TEXT)
    warning = caught.value
    assert warning.kinds == ["hospital_id"]
    assert warning.message.startswith("This looks like it contains a bed or hospital number")
    assert "nothing was saved" in warning.message
    assert warning.redacted == (
        "[patient identifier] waited hours because our escalation plan is unclear."
    )
    assert repository.rows[step.reflection_id].answers == {}


def test_the_person_can_save_it_redacted_or_keep_it_as_written(coach, nurse, repository) -> None:
    step = coach.start(nurse, "leadership")
    coach.write(nurse, step.reflection_id, "L1", PATIENT_TEXT, patient_data="redact")
    saved = repository.rows[step.reflection_id].answers["L1"].text
    assert saved == "[patient identifier] waited hours because our escalation plan is unclear."

    coach.write(
        nurse, step.reflection_id, "L1", "Call Dr Jones on 07700 900123", patient_data="keep"
    )
    assert repository.rows[step.reflection_id].answers["L1"].text.endswith("07700 900123")


def test_an_edited_text_without_patient_data_saves_as_usual(coach, nurse, repository) -> None:
    step = coach.start(nurse, "leadership")
    with pytest.raises(PatientDataWarning):
        coach.write(nurse, step.reflection_id, "L1", PATIENT_TEXT)
    coach.write(nurse, step.reflection_id, "L1", "A patient waited hours: our plan is unclear.")
    assert repository.rows[step.reflection_id].answers["L1"].text.startswith("A patient waited")


def test_goals_are_guarded_too(coach, nurse) -> None:
    step = coach.start(nurse, "leadership")
    outcome = step
    for rating in [2, 4, 3, 1, 5, 4, 3, 4, 4]:
        outcome = coach.rate(nurse, outcome.reflection_id, outcome.attribute.id, rating)
    with pytest.raises(PatientDataWarning):
        coach.set_goal(nurse, outcome.reflection_id, "L4", "Email j.bloggs@nhs.net each week")
    summary = coach.set_goal(
        nurse,
        outcome.reflection_id,
        "L4",
        "Email j.bloggs@nhs.net each week",
        patient_data="redact",
    )
    assert summary.priorities[0].goal == "Email [email address] each week"
