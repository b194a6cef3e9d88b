"""Export, erasure, retention and team insights on the real database (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text

from bot.coaching.followup.models import CheckInResponse, NudgeStatus
from bot.coaching.models import Person
from bot.container import Coach, make_privacy_service
from bot.content import load_framework, load_question_bank
from bot.privacy.export import NMC_PROMPTS
from bot.privacy.service import NotAllowed, PrivacyService
from bot.storage.coach_memory import SqlCallBudget, SqlCoachMemory
from bot.storage.pending import SqlPendingTextStore
from bot.storage.privacy import SqlPersonalData
from bot.storage.tables import metadata, privacy_events
from tests.fakes import FakeClock
from tests.privacy.reflect import SECRET_ANSWER, SECRET_GOAL, SECRET_NOTE, complete_reflection


def _reflect_and_check_in(app: Coach, person: Person) -> None:
    complete_reflection(app.service, person)
    assert app.followup is not None
    app.followup.start_after_confirm(person)
    app.followup.record_check_in(person, CheckInResponse.STUCK, note=SECRET_NOTE)
    SqlCoachMemory(app.engine).set_role(person, "Charge nurse")
    SqlCallBudget(app.engine, 10).take(person, app.service.clock.now().date())


def _rows_of(engine: Engine, person: Person) -> dict[str, int]:
    """Rows per table that belong to the person, directly or through their reflections."""
    counts = {}
    with engine.connect() as connection:
        ids = [
            r[0]
            for r in connection.execute(
                text("SELECT id FROM reflections WHERE workspace_id = :w AND user_id = :u"),
                {"w": person.workspace_id, "u": person.user_id},
            )
        ]
        for table in metadata.sorted_tables:
            if {"workspace_id", "user_id"} <= set(table.c.keys()) and table is not privacy_events:
                where = (table.c.workspace_id == person.workspace_id) & (
                    table.c.user_id == person.user_id
                )
            elif "reflection_id" in table.c:
                where = table.c.reflection_id.in_(ids)
            else:
                continue
            counts[table.name] = connection.execute(
                select(func.count()).select_from(table).where(where)
            ).scalar_one()
    return counts


def _service(app: Coach, clock: FakeClock, **changes) -> PrivacyService:
    settings = app.settings.model_copy(update=changes)
    return make_privacy_service(settings, app.engine, load_framework(), load_question_bank(), clock)


# -- export ---------------------------------------------------------------------------------


def test_the_export_is_a_cpd_record_under_the_nmc_prompts_and_the_same_data_as_json(
    app: Coach, nurse: Person
) -> None:
    _reflect_and_check_in(app, nurse)
    assert app.privacy is not None
    files = app.privacy.export(nurse)
    assert files is not None
    markdown = files.markdown
    for prompt in NMC_PROMPTS:
        assert prompt in markdown
    assert "Leading Improvement Framework (framework version" in markdown
    assert "Develops, enables and encourages others." in markdown  # L5's statement
    assert "Your rating: 1 of 5 (Not yet)" in markdown
    for words in (SECRET_ANSWER, SECRET_GOAL, SECRET_NOTE, "Charge nurse"):
        assert words in markdown
    assert "Stuck" in markdown and "Counted anonymously in team insights: no" in markdown

    data = json.loads(files.json_text)
    assert data["format"] == "lif-coach-export/1"
    (reflection,) = data["reflections"]
    assert reflection["answers"]["L5"]["text"] == SECRET_ANSWER
    assert reflection["summary"]["priorities"][0]["goal"] == SECRET_GOAL
    assert data["check_ins"][0]["note"] == SECRET_NOTE
    assert data["role"] == "Charge nurse" and data["llm_usage"][0]["calls"] == 1
    assert data["preferences"]["timezone"] and data["nudges"]
    assert data["attribute_statements"]["L5"] == "Develops, enables and encourages others."
    assert files.markdown_name.endswith(".md") and files.json_name.endswith(".json")


def test_an_export_of_nothing_stored_is_none(app: Coach, nurse: Person) -> None:
    assert app.privacy is not None
    assert app.privacy.export(nurse) is None


# -- erasure ----------------------------------------------------------------------------------


def test_erasure_removes_every_row_of_the_person_and_audits_counts_only(
    app: Coach, nurse: Person, colleague: Person
) -> None:
    _reflect_and_check_in(app, nurse)
    _reflect_and_check_in(app, colleague)
    assert app.privacy is not None
    app.privacy.set_counted(nurse, True)
    reflection_id = app.service.last_summary(nurse).reflection_id  # type: ignore[union-attr]
    SqlPendingTextStore(app.engine).add(
        nurse, reflection_id=reflection_id, attribute_id="L5", purpose="goal", text=SECRET_GOAL
    )
    before = _rows_of(app.engine, nurse)
    assert all(before[t] for t in ("reflections", "answers", "check_ins", "team_optins"))
    theirs = _rows_of(app.engine, colleague)

    report = app.privacy.erase(nurse, actor="self")

    assert set(_rows_of(app.engine, nurse).values()) == {0}
    assert report.counts["reflections"] == 1 and report.counts["answers"] == 9
    assert report.counts["pending_texts"] == 1
    assert report.total == sum(before.values())
    assert _rows_of(app.engine, colleague) == theirs, "nobody else's data is touched"
    with app.engine.connect() as connection:
        (event,) = connection.execute(select(privacy_events)).mappings().all()
    assert (event["kind"], event["user_id"], event["actor"]) == ("erasure", "U-NURSE", "self")
    assert event["counts"]["answers"] == 9
    assert not any(words in str(dict(event)) for words in (SECRET_ANSWER, SECRET_NOTE))


def test_a_second_erasure_is_harmless(app: Coach, nurse: Person) -> None:
    complete_reflection(app.service, nurse)
    assert app.privacy is not None
    assert app.privacy.erase(nurse, actor="self").total > 0
    again = app.privacy.erase(nurse, actor="self")
    assert again.total == 0
    assert app.privacy.export(nurse) is None


# -- retention -----------------------------------------------------------------------------


def test_retention_purges_reflections_and_check_ins_past_the_period(
    app: Coach, nurse: Person
) -> None:
    _reflect_and_check_in(app, nurse)
    now = app.service.clock.now()
    within = _service(app, FakeClock(now + timedelta(days=29)), retention_days=30)
    report = within.run_retention()
    assert report is not None and report.total == 0
    assert _rows_of(app.engine, nurse)["reflections"] == 1

    past = _service(app, FakeClock(now + timedelta(days=31)), retention_days=30)
    report = past.run_retention()
    assert report is not None
    assert report.counts["reflections"] == 1 and report.counts["check_ins"] == 1
    left = _rows_of(app.engine, nurse)
    assert left["reflections"] == left["answers"] == left["check_ins"] == 0
    assert app.followup is not None
    pending = [n for n in app.followup.nudges.nudges_for(nurse) if n.status is NudgeStatus.PENDING]
    assert pending == [], "nothing is sent about a purged reflection"


def test_retention_is_off_at_zero_days(app: Coach, nurse: Person) -> None:
    complete_reflection(app.service, nurse)
    service = _service(app, FakeClock(app.service.clock.now() + timedelta(days=3650)))
    assert service.run_retention() is None
    assert _rows_of(app.engine, nurse)["reflections"] == 1


# -- team insights ---------------------------------------------------------------------------


def _people(count: int) -> list[Person]:
    return [Person(workspace_id="T-TRUST", user_id=f"U-{n}") for n in range(count)]


def test_team_insights_count_only_opted_in_people_and_hide_small_groups(
    app: Coach, lead: Person
) -> None:
    service = _service(app, FakeClock(app.service.clock.now()), team_insight_users="U-LEAD")
    people = _people(6)
    for person in people:
        complete_reflection(app.service, person)
    for person in people[:4]:
        service.set_counted(person, True)

    hidden = service.team_insights_for(lead)
    assert hidden.people is None and hidden.priorities == []

    service.set_counted(people[4], True)  # five now: enough to show
    shown = service.team_insights_for(lead)
    assert shown.people == 5
    assert shown.priorities == [("L3", 5), ("L5", 5), ("L7", 5)]
    assert service.team_insights("T-OTHER").people is None


def test_team_insights_are_refused_to_anyone_but_a_lead(app: Coach, nurse: Person) -> None:
    assert app.privacy is not None
    with pytest.raises(NotAllowed, match="programme leads"):
        app.privacy.team_insights_for(nurse)


def test_leaving_the_count_removes_the_opt_in(app: Coach, nurse: Person) -> None:
    store = SqlPersonalData(app.engine)
    assert app.privacy is not None
    app.privacy.set_counted(nurse, True)
    assert app.privacy.is_counted(nurse) and store.team_optin(nurse) is not None
    app.privacy.set_counted(nurse, False)
    assert not app.privacy.is_counted(nurse)
