"""SqlReflectionRepository keeps reflections faithfully, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql

from bot.coaching.errors import ConcurrentUpdate, StorageUnavailable
from bot.coaching.models import (
    Answer,
    AnswerPart,
    Mode,
    Person,
    PriorityArea,
    Reflection,
    Stage,
    Status,
    Summary,
)
from bot.storage.database import DatabaseError, check_ready, make_engine, upgrade
from bot.storage.repository import SqlReflectionRepository
from tests.keys import make_test_cipher

ALICE = Person(workspace_id="T1", user_id="U1")
ALICE_ELSEWHERE = Person(workspace_id="T2", user_id="U1")
NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)

HOSTILE_TEXTS = [
    "",
    "x" * 40_000,
    "We did it 🎉🏥 — finally ✅",
    "עבדנו על זה יחד مع الفريق",
    "<!channel> see <https://evil.example|this> *bold* `code` <@U123>",
    "'; DROP TABLE answers; --",
    "line one\nline two\r\n\ttabbed \x00 null",
]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, cipher=make_test_cipher())
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def repository(engine: Engine) -> SqlReflectionRepository:
    return SqlReflectionRepository(engine)


def _reflection(person: Person = ALICE, started: datetime = NOW, **changes: object) -> Reflection:
    reflection = Reflection(
        id=f"r-{person.workspace_id}-{person.user_id}-{started.isoformat()}",
        person=person,
        scope="improvement",
        framework_version="2026.1",
        attribute_ids=["I1", "I2", "I3"],
        started_at=started,
        updated_at=started,
    )
    return reflection.model_copy(update=changes)


def test_a_new_reflection_reads_back_unchanged(repository: SqlReflectionRepository) -> None:
    reflection = _reflection()
    repository.add(reflection)
    assert repository.get(reflection.id) == reflection


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_answers_are_stored_faithfully_whatever_they_contain(
    repository: SqlReflectionRepository, text: str, on_postgres: bool
) -> None:
    if on_postgres:  # PostgreSQL text cannot hold NUL; the Slack layer never sends one
        text = text.replace("\x00", "")
    reflection = _reflection()
    repository.add(reflection)
    reflection.answers["I1"] = Answer(attribute_id="I1", rating=2, text=text, updated_at=NOW)
    repository.save(reflection)
    stored = repository.get(reflection.id)
    assert stored is not None and stored.answers["I1"].text == text


def test_every_save_bumps_the_version_and_a_stale_save_is_refused(
    repository: SqlReflectionRepository,
) -> None:
    reflection = _reflection()
    repository.add(reflection)
    first_copy, second_copy = repository.get(reflection.id), repository.get(reflection.id)
    assert first_copy is not None and second_copy is not None
    first_copy.cursor = 1
    assert repository.save(first_copy).version == 1
    second_copy.cursor = 2
    with pytest.raises(ConcurrentUpdate):
        repository.save(second_copy)
    stored = repository.get(reflection.id)
    assert stored is not None and stored.cursor == 1


def test_summary_priorities_keep_their_order_goals_and_quotes(
    repository: SqlReflectionRepository,
) -> None:
    reflection = _reflection(status=Status.COMPLETED, cursor=3, completed_at=NOW)
    reflection.summary = Summary(
        priorities=[
            PriorityArea(attribute_id="I3", rationale="r3", quote="I never map", goal="Map one"),
            PriorityArea(attribute_id="I1", rationale="r1"),
        ],
        candidates=["I2"],
        domain_note="note",
        generated_at=NOW,
        confirmed_at=NOW,
    )
    repository.add(reflection)
    stored = repository.get(reflection.id)
    assert stored is not None and stored.summary == reflection.summary


def test_people_are_told_apart_by_workspace_as_well_as_user(
    repository: SqlReflectionRepository,
) -> None:
    repository.add(_reflection(ALICE))
    assert repository.active_for(ALICE_ELSEWHERE) is None
    found = repository.active_for(ALICE)
    assert found is not None and found.person == ALICE


def test_active_is_the_newest_unfinished_and_completed_ones_are_separate(
    repository: SqlReflectionRepository,
) -> None:
    older = _reflection(started=NOW - timedelta(days=90), status=Status.COMPLETED)
    abandoned = _reflection(started=NOW - timedelta(days=2), status=Status.ABANDONED)
    newest = _reflection(started=NOW)
    for reflection in (older, abandoned, newest):
        repository.add(reflection)
    assert repository.active_for(ALICE) == newest
    assert repository.latest_completed_for(ALICE) == older
    assert [r.id for r in repository.history_for(ALICE)] == [newest.id, abandoned.id, older.id]


def test_an_unreachable_database_is_reported_as_storage_unavailable() -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(StorageUnavailable, match="nothing was changed"):
        SqlReflectionRepository(engine).get("anything")


def test_an_unreachable_database_at_start_says_what_to_do() -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(DatabaseError, match="Check LIF_DATABASE_URL"):
        upgrade(engine)


def test_an_unmigrated_database_is_not_ready(database_url: str) -> None:
    engine = make_engine(database_url, cipher=make_test_cipher())
    with pytest.raises(DatabaseError, match="lif-coach db upgrade"):
        check_ready(engine)
    upgrade(engine)
    check_ready(engine)


def test_database_errors_never_carry_what_a_person_wrote(engine: Engine) -> None:
    from sqlalchemy import text as sql
    from sqlalchemy.exc import DBAPIError

    secret = "my private reflection about the ward manager"
    with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
        connection.execute(sql("INSERT INTO no_such_table VALUES (:x)"), {"x": secret})
    assert secret not in str(raised.value)


def test_a_priority_from_another_domain_and_a_signpost_keep_to_the_same_rows(
    repository: SqlReflectionRepository, framework
) -> None:
    """Issue 16: C5, suggested by the coach, becomes a priority of an Improvement reflection;
    the distress signpost stores nothing (the answer row holds only what was written)."""
    from bot.coaching.engine import ReflectionService
    from bot.content import load_coach_texts, load_question_bank
    from tests.fakes import FakeClock, KeywordRetriever

    coach = ReflectionService(
        framework=framework,
        questions=load_question_bank(),
        texts=load_coach_texts(),
        repository=repository,
        retriever=KeywordRetriever(framework),
        clock=FakeClock(),
    )
    step = coach.start(ALICE, "improvement")
    rid = step.reflection_id
    words = "I'm burnt out, and our teams do not work across boundaries with social care at all."
    saved = coach.reply(ALICE, rid, "I1", words)
    assert saved.signpost is not None and [link.attribute.id for link in saved.links] == ["C5"]
    for attribute in framework.attributes("improvement"):
        coach.rate(ALICE, rid, attribute.id, 3)
    coach.add_priority(ALICE, rid, "C5")
    coach.confirm(ALICE, rid)

    stored = repository.get(rid)
    assert stored is not None and stored.summary is not None
    c5 = stored.summary.priorities[-1]
    assert c5.attribute_id == "C5" and "I suggested it when you wrote about I1" in c5.rationale
    assert stored.answers["I1"].text == words
    assert coach.last_summary(ALICE).priorities[-1].domain_name == "Care delivery systems"


def test_a_deep_reflection_keeps_its_mode_every_part_by_stage_and_the_skipped_stages(
    repository: SqlReflectionRepository, engine: Engine
) -> None:
    reflection = _reflection(mode=Mode.DEEP)
    repository.add(reflection)
    answer = Answer(attribute_id="I1", rating=2, updated_at=NOW)
    for stage, text, source in [
        (Stage.WHAT, "We never mapped discharge.", "1700000000.000100"),
        (Stage.WHAT, "It just happens.", "1700000000.000200"),
        (Stage.NOW_WHAT, "Walk it with pharmacy.", None),
    ]:
        answer.parts.append(AnswerPart(stage=stage, text=text, source=source, added_at=NOW))
    answer.skipped_stages = [Stage.SO_WHAT]
    answer.text = "We never mapped discharge.\n\nIt just happens.\n\nWalk it with pharmacy."
    reflection.answers["I1"] = answer
    repository.save(reflection)
    assert repository.get(reflection.id) == reflection.model_copy(update={"version": 1})
    with engine.connect() as connection:  # the words are encrypted at rest, as answers.text is
        stored = connection.execute(sql("SELECT text FROM answer_parts")).scalars().all()
    assert stored and not any("discharge" in value for value in stored)
    answer.parts.pop(0)
    reflection.version = 1
    repository.save(reflection)
    assert [p.text for p in repository.get(reflection.id).answers["I1"].parts] == [
        "It just happens.",
        "Walk it with pharmacy.",
    ]


def test_the_way_a_person_last_reflected_and_their_reflections_set_aside(
    repository: SqlReflectionRepository,
) -> None:
    assert repository.mode_for(ALICE) is None
    older = _reflection(started=NOW - timedelta(days=3), status=Status.ABANDONED)
    aside = _reflection(started=NOW - timedelta(days=2), status=Status.ABANDONED, mode=Mode.DEEP)
    newest = _reflection(started=NOW, mode=Mode.DEEP)
    for reflection in (older, aside, newest):
        repository.add(reflection)
    repository.add(_reflection(ALICE_ELSEWHERE, status=Status.ABANDONED))
    assert repository.mode_for(ALICE) == Mode.DEEP
    assert repository.mode_for(ALICE_ELSEWHERE) == Mode.QUICK
    assert [r.id for r in repository.set_aside_for(ALICE)] == [aside.id, older.id]
