"""Encryption at rest: a dump shows no reflection text; keys are required, checked and rotated."""

from __future__ import annotations

import getpass
import logging
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, select, text

from bot.cli import main
from bot.coaching.followup.models import CheckInResponse
from bot.coaching.models import Person
from bot.container import Coach
from bot.settings import SettingsError
from bot.storage.coach_memory import SqlCoachMemory
from bot.storage.crypto import Cipher, EncryptionKeyError, generate_key
from bot.storage.database import _alembic_config, make_engine, upgrade
from bot.storage.pending import SqlPendingTextStore
from bot.storage.repository import SqlReflectionRepository
from bot.storage.tables import metadata, privacy_events
from tests.privacy.reflect import SECRET_ANSWER, SECRET_GOAL, SECRET_NOTE, complete_reflection

SECRETS = (SECRET_ANSWER, SECRET_GOAL, SECRET_NOTE, "Ward sister, theatres")


def _store_everything(app: Coach, person: Person) -> None:
    """A confirmed reflection with words and a goal, a check-in note, a role, a coach turn."""
    summary = complete_reflection(app.service, person)
    assert app.followup is not None
    app.followup.start_after_confirm(person)
    app.followup.record_check_in(person, CheckInResponse.PROGRESS, note=SECRET_NOTE)
    memory = SqlCoachMemory(app.engine)  # what the AI coach keeps, when it is on
    memory.set_role(person, "Ward sister, theatres")
    memory.remember(summary.reflection_id, "L5", "question", SECRET_GOAL)
    SqlPendingTextStore(app.engine).add(
        person,
        reflection_id=summary.reflection_id,
        attribute_id="L5",
        purpose="goal",
        text=SECRET_NOTE,
    )


def _dump(engine: Engine) -> str:
    """Every cell of every table, read with plain SQL (no column types, no decryption)."""
    cells: list[str] = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(text(f"SELECT * FROM {table.name}")):
                cells += [str(value) for value in row]
    return "\n".join(cells)


def test_a_dump_of_the_database_shows_no_reflection_text(
    app: Coach, nurse: Person, settings, on_postgres: bool
) -> None:
    _store_everything(app, nurse)
    dump = _dump(app.engine)
    assert "gAAAAA" in dump, "the personal columns hold Fernet tokens"
    for secret in SECRETS:
        assert secret not in dump
    if not on_postgres:  # the SQLite files themselves, write-ahead log included
        files = settings.data_dir.parent.glob("lif-coach.db*")
        raw = b"".join(path.read_bytes() for path in files if path.is_file())
        assert raw and all(secret.encode() not in raw for secret in SECRETS)
    saved = app.service.last_summary(nurse)
    assert saved is not None and saved.priorities[0].goal == SECRET_GOAL  # yet it reads back


def test_production_without_a_key_refuses_to_start_naming_the_variable(
    make_coach: Callable[..., Coach],
) -> None:
    with pytest.raises(SettingsError, match="LIF_ENCRYPTION_KEY is not set") as raised:
        make_coach(environment="production")
    assert "lif-coach keys generate" in str(raised.value)


def test_development_makes_a_private_key_file_and_says_so_once(
    make_coach: Callable[..., Coach], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.privacy.keys")
    make_coach()
    key_file = tmp_path / "data" / "encryption.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    Cipher.from_setting(key_file.read_text())  # a valid Fernet key
    assert [r.getMessage() for r in caplog.records if "encryption.key" in r.getMessage()]
    caplog.clear()
    make_coach()
    assert not [r for r in caplog.records if r.name == "bot.privacy.keys"], "said once only"


def test_a_malformed_key_says_what_a_key_is_and_how_to_make_one(
    make_coach: Callable[..., Coach],
) -> None:
    with pytest.raises(SettingsError, match="not a Fernet key.*lif-coach keys generate"):
        make_coach(encryption_key="not-a-key")


def test_a_wrong_key_says_to_set_the_key_the_data_was_written_with(
    make_coach: Callable[..., Coach], nurse: Person
) -> None:
    complete_reflection(make_coach(encryption_key=generate_key()).service, nurse)
    with pytest.raises(EncryptionKeyError, match="cannot be decrypted with LIF_ENCRYPTION_KEY"):
        make_coach(encryption_key=generate_key())


def test_the_cli_reports_a_wrong_key_in_one_line(
    make_coach: Callable[..., Coach], nurse: Person, monkeypatch, tmp_path, database_url, capsys
) -> None:
    complete_reflection(make_coach(encryption_key=generate_key()).service, nurse)
    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIF_DATABASE_URL", database_url)
    monkeypatch.setenv("LIF_ENCRYPTION_KEY", generate_key())
    assert main(["export", "--user", nurse.user_id, "--workspace", nurse.workspace_id]) == 2
    err = capsys.readouterr().err
    assert "LIF_ENCRYPTION_KEY" in err and "Traceback" not in err


def test_rotate_with_two_keys_re_encrypts_so_the_old_key_can_be_dropped(
    make_coach: Callable[..., Coach], nurse: Person, monkeypatch, tmp_path, database_url, capsys
) -> None:
    old, new = generate_key(), generate_key()
    _store_everything(make_coach(encryption_key=old), nurse)
    before = _dump(make_coach(encryption_key=f"{new},{old}").engine)

    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIF_DATABASE_URL", database_url)
    monkeypatch.setenv("LIF_ENCRYPTION_KEY", f"{new},{old}")
    assert main(["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    assert (
        "Re-encrypted" in out
        and "answers: 9" in out
        and "coach_profiles: 1" in out
        and "remove the older keys" in out
    )

    after_rotation = make_coach(encryption_key=new)  # the old key is gone
    saved = after_rotation.service.last_summary(nurse)
    assert saved is not None and saved.priorities[0].goal == SECRET_GOAL
    assert _dump(after_rotation.engine) != before
    with pytest.raises(EncryptionKeyError):
        make_coach(encryption_key=old)


def test_a_key_rotation_leaves_an_audit_row_of_who_when_and_how_many(
    make_coach: Callable[..., Coach], nurse: Person, monkeypatch, tmp_path, database_url
) -> None:
    old, new = generate_key(), generate_key()
    _store_everything(make_coach(encryption_key=old), nurse)
    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIF_DATABASE_URL", database_url)
    monkeypatch.setenv("LIF_ENCRYPTION_KEY", f"{new},{old}")
    started = datetime.now(UTC)

    assert main(["keys", "rotate"]) == 0

    with make_coach(encryption_key=new).engine.connect() as connection:
        (event,) = connection.execute(select(privacy_events)).mappings().all()
    assert event["kind"] == "key_rotation" and event["actor"] == f"admin:{getpass.getuser()}"
    assert event["workspace_id"] is None and event["user_id"] is None
    assert event["counts"]["answers"] == 9 and event["counts"]["coach_profiles"] == 1
    happened = event["happened_at"]
    assert (happened if happened.tzinfo else happened.replace(tzinfo=UTC)) >= started


def test_keys_generate_prints_a_usable_key(env_cli, capsys) -> None:
    assert main(["keys", "generate"]) == 0
    Cipher.from_setting(capsys.readouterr().out.strip())


@pytest.fixture
def env_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> None:
    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIF_DATABASE_URL", database_url)


def test_migration_0005_encrypts_rows_written_before_it(database_url: str, nurse: Person) -> None:
    cipher = Cipher([generate_key()])
    engine = make_engine(database_url, cipher=cipher)
    try:
        command.upgrade(_alembic_config(engine), "0004")
        _plaintext_reflection(engine, nurse)
        upgrade(engine)
        assert SECRET_ANSWER not in _dump(engine)
        loaded = SqlReflectionRepository(engine).get("r-old")
        assert loaded is not None and loaded.answers["L5"].text == SECRET_ANSWER
    finally:
        engine.dispose()


def test_migration_0005_without_a_key_refuses_to_leave_old_rows_in_the_clear(
    database_url: str, nurse: Person
) -> None:
    engine = make_engine(database_url)
    try:
        command.upgrade(_alembic_config(engine), "0004")
        _plaintext_reflection(engine, nurse)
        with pytest.raises(EncryptionKeyError, match="no encryption key"):
            upgrade(engine)
    finally:
        engine.dispose()


def _plaintext_reflection(engine: Engine, person: Person) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 5, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO reflections (id, workspace_id, user_id, scope, framework_version, "
                "attribute_ids, status, cursor, started_at, updated_at, version) VALUES "
                "('r-old', :w, :u, 'leadership', '2026.1', '[\"L5\"]', 'in_progress', 0, :t, :t, 0)"
            ),
            {"w": person.workspace_id, "u": person.user_id, "t": now},
        )
        connection.execute(
            text(
                "INSERT INTO answers (reflection_id, attribute_id, rating, text, skipped, "
                "related_attribute_ids, updated_at) VALUES ('r-old', 'L5', 2, :x, :f, '[]', :t)"
            ),
            {"x": SECRET_ANSWER, "f": False, "t": now},
        )
