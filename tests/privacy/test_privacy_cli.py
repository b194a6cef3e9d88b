"""`lif-coach export|delete|retention|team` for administrators answering requests."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from bot.cli import main
from bot.coaching.models import Person
from bot.container import Coach
from tests.privacy.reflect import SECRET_ANSWER, complete_reflection


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Path:
    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIF_DATABASE_URL", database_url)
    for name in ("LIF_ENCRYPTION_KEY", "LIF_ENVIRONMENT", "LIF_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _who(person: Person) -> list[str]:
    return ["--user", person.user_id, "--workspace", person.workspace_id]


def test_export_writes_both_files_readable_by_the_admin_only(
    env: Path, make_coach: Callable[..., Coach], nurse: Person, capsys
) -> None:
    complete_reflection(make_coach().service, nurse)
    out_dir = env / "sar"
    assert main(["export", *_who(nurse), "--out", str(out_dir)]) == 0
    markdown, data = sorted(out_dir.iterdir(), key=lambda p: p.suffix != ".md")
    assert SECRET_ANSWER in markdown.read_text()
    assert json.loads(data.read_text())["reflections"][0]["answers"]["L5"]["text"] == SECRET_ANSWER
    assert stat.S_IMODE(markdown.stat().st_mode) == 0o600
    assert capsys.readouterr().out.count("Wrote ") == 2


def test_export_with_nothing_stored_says_so(env: Path, nurse: Person, capsys) -> None:
    assert main(["export", *_who(nurse), "--out", str(env / "sar")]) == 0
    assert "Nothing is stored about U-NURSE in T-TRUST." in capsys.readouterr().out
    assert not (env / "sar").exists()


def test_delete_asks_for_the_user_id_and_does_nothing_without_it(
    env: Path, make_coach: Callable[..., Coach], nurse: Person, monkeypatch, capsys
) -> None:
    complete_reflection(make_coach().service, nurse)
    monkeypatch.setattr("builtins.input", lambda _: "no")
    assert main(["delete", *_who(nurse)]) == 1
    assert "Nothing was deleted." in capsys.readouterr().out
    assert make_coach().service.last_summary(nurse) is not None


def test_delete_erases_and_prints_the_counts(
    env: Path, make_coach: Callable[..., Coach], nurse: Person, monkeypatch, capsys
) -> None:
    complete_reflection(make_coach().service, nurse)
    monkeypatch.setattr("builtins.input", lambda _: "U-NURSE")
    assert main(["delete", *_who(nurse)]) == 0
    out = capsys.readouterr().out
    assert "Erased U-NURSE in T-TRUST: 1 reflection, 9 answers" in out
    assert make_coach().service.last_summary(nurse) is None
    assert main(["delete", *_who(nurse), "--yes"]) == 0  # again: harmless
    assert "Erased U-NURSE in T-TRUST: nothing." in capsys.readouterr().out


def test_retention_run_prints_what_it_purged(
    env: Path, make_coach: Callable[..., Coach], nurse: Person, monkeypatch, capsys
) -> None:
    assert main(["retention", "run"]) == 0
    assert "Retention is off" in capsys.readouterr().out
    complete_reflection(make_coach().service, nurse)
    monkeypatch.setenv("LIF_RETENTION_DAYS", "30")
    assert main(["retention", "run"]) == 0
    assert "nothing" in capsys.readouterr().out
    with time_machine.travel(timedelta(days=31)):
        assert main(["retention", "run"]) == 0
    out = capsys.readouterr().out
    assert "older than 30 days: 1 reflection, 9 answers" in out


def test_team_prints_suppressed_figures_for_a_small_workspace(env: Path, capsys) -> None:
    assert main(["team", "--workspace", "T-TRUST"]) == 0
    assert "Fewer than 5 people" in capsys.readouterr().out
    assert main(["team", "--workspace", "T-TRUST", "--days", "0"]) == 2
    assert "number of days" in capsys.readouterr().err
