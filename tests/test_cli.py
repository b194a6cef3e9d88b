"""The lif-coach command line: JSON search output, migrations, and one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Path:
    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIF_DATABASE_URL", database_url)
    monkeypatch.setenv("LIF_CHROMA_COLLECTION", f"cli_{tmp_path.name[-20:]}")
    return tmp_path


def test_search_json_prints_one_line_per_query_best_first(env, capsys) -> None:
    assert main(["search", "--json", "--k", "3", "we never measure whether our changes work"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    result = json.loads(line)
    assert result["query"] == "we never measure whether our changes work"
    assert 1 <= len(result["results"]) <= 3
    first = result["results"][0]
    assert set(first) == {"attribute_id", "domain", "text", "score"}
    scores = [r["score"] for r in result["results"]]
    assert scores == sorted(scores, reverse=True)
    ids = [r["attribute_id"] for r in result["results"] if r["attribute_id"]]
    assert len(ids) == len(set(ids)) and "I7" in ids


def test_search_reads_queries_from_stdin_when_none_is_given(env, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("patient voice\n\ndemand and capacity\n"))
    assert main(["search", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["patient voice", "demand and capacity"]


def test_a_bad_setting_is_one_line_naming_the_variable(env, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LIF_DATABASE_URL", "mysql://nope")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "LIF_DATABASE_URL" in err and "Traceback" not in err


def test_db_upgrade_migrates_and_reports_the_revision(env, capsys) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "migrated to 0" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.strip().startswith("0")


def test_an_unreachable_database_says_what_to_do(env, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LIF_DATABASE_URL", "postgresql://x@127.0.0.1:1/none?connect_timeout=1")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "Check LIF_DATABASE_URL" in err and "Traceback" not in err


def test_a_missing_embedding_model_says_what_to_do(env, capsys, monkeypatch) -> None:
    empty = env / "no-model"
    empty.mkdir()
    monkeypatch.setenv("LIF_EMBEDDING_MODEL_DIR", str(empty))
    assert main(["search", "--json", "anything"]) == 2
    err = capsys.readouterr().err
    assert "LIF_EMBEDDING_MODEL_DIR" in err and "model.onnx" in err


def test_index_shows_progress_and_a_summary_then_embeds_nothing_new(env, capsys) -> None:
    assert main(["index"]) == 0
    first = capsys.readouterr().out
    assert "embedded" in first and "Indexed:" in first and " 0 added" not in first
    assert main(["index"]) == 0
    assert "0 added, 0 updated, 0 removed" in capsys.readouterr().out
