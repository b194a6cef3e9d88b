"""LIF_MIGRATE_ON_START=false, and the bot under a PostgreSQL role that cannot change the schema,
as the Helm chart runs it: the migration Job connects as the schema's owner, the pods as an
application role with only USAGE on the schema and SELECT, INSERT, UPDATE, DELETE on its
tables (and USAGE on its sequences, which inserts into tables with generated ids need).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from pydantic import SecretStr
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import ProgrammingError
from starlette.testclient import TestClient

from bot.cli import main
from bot.coaching.models import Person
from bot.container import Coach, build_coach
from bot.content import load_framework
from bot.settings import Settings
from bot.slack.probes import make_probe_app
from bot.storage.database import (
    SchemaBehind,
    _alembic_config,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)
from tests.fakes import KeywordRetriever
from tests.keys import TEST_KEY

POSTGRES_URL = os.environ.get("LIF_TEST_DATABASE_URL", "")
NURSE = Person(workspace_id="T-TRUST", user_id="U-NURSE")
ANSWER = "We agreed the ward's purpose together at handover."
# What docs/operations.md ("Database roles") tells a database administrator to run, with
# {schema}, {owner} and {app} for the names (tests/deploy/test_docs.py keeps the two equal).
ROLE_SETUP = (
    "CREATE SCHEMA {schema} AUTHORIZATION {owner};",
    "GRANT USAGE ON SCHEMA {schema} TO {app};",
    "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};",
    "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
    "GRANT USAGE ON SEQUENCES TO {app};",
)


def _settings(data_dir: Path, database_url: str, **changes: object) -> Settings:
    key = SecretStr(TEST_KEY)
    return Settings(data_dir=data_dir, database_url=database_url, encryption_key=key, **changes)


def _coach(settings: Settings) -> Coach:
    return build_coach(settings, retriever=KeywordRetriever(load_framework()))


def _one_step(coach: Coach) -> None:
    """A person starts a reflection, writes on the first attribute and rates it."""
    step = coach.service.start(NURSE, "leadership")
    coach.service.write(NURSE, step.reflection_id, step.attribute.id, ANSWER)
    following = coach.service.rate(NURSE, step.reflection_id, step.attribute.id, 4)
    assert getattr(following, "position", None) == 2


def test_a_process_that_does_not_migrate_refuses_a_database_behind_the_code(
    tmp_path: Path, database_url: str
) -> None:
    settings = _settings(tmp_path, database_url, migrate_on_start=False)

    with pytest.raises(SchemaBehind) as refused:
        _coach(settings)

    assert str(refused.value) == (
        f"The database is at migration none, not {head_revision()}: run `lif-coach db "
        "upgrade` as the role that owns the schema (LIF_MIGRATE_ON_START is false, so this "
        "process does not migrate)."
    )
    engine = make_engine(database_url)
    assert inspect(engine).get_table_names() == [], "nothing was created"
    upgrade(engine)  # the chart's migration Job
    coach = _coach(settings)
    _one_step(coach)
    coach.engine.dispose()
    engine.dispose()


def test_the_command_line_refuses_with_one_line_naming_the_setting(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("LIF_DATABASE_URL", database_url)
    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LIF_ENCRYPTION_KEY", TEST_KEY)
    monkeypatch.setenv("LIF_MIGRATE_ON_START", "false")

    assert main(["progress", "--user", "U-NURSE"]) != 0

    (line,) = capsys.readouterr().err.splitlines()
    assert "run `lif-coach db upgrade`" in line and "LIF_MIGRATE_ON_START is false" in line
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    engine.dispose()


requires_postgres = pytest.mark.skipif(
    not POSTGRES_URL.startswith("postgresql"),
    reason="database roles and grants are PostgreSQL's; SQLite has neither "
    "(set LIF_TEST_DATABASE_URL=postgresql://...)",
)


def _connect_as(role: str, schema: str) -> str:
    """The test database's URL as `role` (trust authentication), in `schema`."""
    url = make_url(POSTGRES_URL).set(username=role, password=None)
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def owner_and_app() -> Iterator[tuple[str, str]]:
    """Database URLs of a schema's owner and of an application role that cannot change it."""
    suffix = uuid.uuid4().hex[:12]
    names = {"schema": f"t_{suffix}", "owner": f"lif_owner_{suffix}", "app": f"lif_app_{suffix}"}
    admin = create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE ROLE {names['owner']} LOGIN"))
        connection.execute(text(f"CREATE ROLE {names['app']} LOGIN"))
        for statement in ROLE_SETUP:
            connection.execute(text(statement.format(**names)))
    try:
        yield (
            _connect_as(names["owner"], names["schema"]),
            _connect_as(names["app"], names["schema"]),
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {names['schema']} CASCADE"))
            connection.execute(text(f"DROP OWNED BY {names['owner']}, {names['app']}"))
            connection.execute(text(f"DROP ROLE {names['owner']}"))
            connection.execute(text(f"DROP ROLE {names['app']}"))
        admin.dispose()


@requires_postgres
def test_the_bot_runs_as_a_role_that_cannot_change_the_schema(
    tmp_path: Path, owner_and_app: tuple[str, str], monkeypatch
) -> None:
    owner_url, app_url = owner_and_app
    # The migration Job: `lif-coach db upgrade` as the schema's owner.
    monkeypatch.setenv("LIF_DATABASE_URL", owner_url)
    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LIF_ENCRYPTION_KEY", TEST_KEY)
    assert main(["db", "upgrade"]) == 0

    # A bot pod: the application role, not migrating.
    coach = _coach(_settings(tmp_path, app_url, migrate_on_start=False))
    _one_step(coach)
    with TestClient(make_probe_app(coach)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok"}
    assert coach.privacy is not None
    assert coach.privacy.erase(NURSE, actor="U-NURSE").total > 0  # an audit row: a sequence
    for change in ("CREATE TABLE intruder (id int)", "ALTER TABLE reflections ADD COLUMN x int"):
        with coach.engine.connect() as connection, pytest.raises(ProgrammingError) as denied:
            connection.execute(text(change))
        assert "InsufficientPrivilege" in type(denied.value.orig).__name__, change
    coach.engine.dispose()


@requires_postgres
def test_a_bot_pod_refuses_a_schema_its_migration_job_has_not_brought_up_to_date(
    tmp_path: Path, owner_and_app: tuple[str, str]
) -> None:
    owner_url, app_url = owner_and_app
    owner = make_engine(owner_url)
    upgrade(owner)
    command.downgrade(_alembic_config(owner), "-1")  # this release's migration not yet run
    behind = current_revision(owner)

    with pytest.raises(SchemaBehind, match=f"at migration {behind}, not {head_revision()}"):
        _coach(_settings(tmp_path, app_url, migrate_on_start=False))

    assert current_revision(owner) == behind, "the database was left as it was"
    upgrade(owner)
    coach = _coach(_settings(tmp_path, app_url, migrate_on_start=False))
    _one_step(coach)
    coach.engine.dispose()
    owner.dispose()
