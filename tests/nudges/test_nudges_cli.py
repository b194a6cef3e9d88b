"""`lif-coach nudges send-due` and `lif-coach progress --chart`, from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.coaching.followup.models import NudgeStatus
from bot.coaching.models import Person
from bot.container import build_coach
from bot.settings import Settings
from tests.fakes import KeywordRetriever
from tests.nudges.fixtures import confirm_leadership

ME = Person(workspace_id="terminal", user_id="sam")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Settings:
    monkeypatch.setenv("LIF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIF_DATABASE_URL", database_url)
    for name in ("SLACK_BOT_TOKEN", "LIF_SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return Settings()


def _confirmed(settings: Settings, framework) -> str:
    coach = build_coach(settings, retriever=KeywordRetriever(framework))
    confirm_leadership(coach.service, ME)
    assert coach.followup is not None
    view = coach.followup.start_after_confirm(ME)
    coach.engine.dispose()
    assert view.next_due is not None
    return view.next_due.isoformat()


def test_send_due_without_slack_names_the_token_to_set(env, capsys) -> None:
    assert main(["nudges", "send-due"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err and "--console" in err and "Traceback" not in err


def test_send_due_at_a_given_time_prints_the_check_in_and_the_count(env, framework, capsys) -> None:
    due = _confirmed(env, framework)
    assert main(["nudges", "send-due", "--console", "--now", due]) == 0
    out = capsys.readouterr().out
    assert "-- to sam (terminal), nudge:" in out
    assert "Time for a check-in on L1 Vision and shared purpose" in out
    assert "Made progress | Some progress | Stuck | Not this time" in out
    assert out.strip().endswith("Sent 1 check-in message.")
    assert main(["nudges", "send-due", "--console", "--now", due]) == 0
    assert capsys.readouterr().out.strip() == "Sent 0 check-in messages."
    coach = build_coach(env, retriever=KeywordRetriever(framework))
    sent = [n for n in coach.followup.nudges.nudges_for(ME) if n.status is NudgeStatus.SENT]
    assert len(sent) == 1


def test_a_bad_time_is_refused_by_argparse(env, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["nudges", "send-due", "--now", "next tuesday"])
    assert "not an ISO-8601 time" in capsys.readouterr().err


def test_progress_shows_goals_and_next_check_in_and_writes_a_chart(
    env, framework, capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per table row
    _confirmed(env, framework)
    chart = tmp_path / "me.png"
    assert main(["progress", "--user", "sam", "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "Agree our ward's purpose with the team by March" in out
    assert "No check-ins yet." in out and "I'll check in every two weeks" in out
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "Chart written to" in out and "Leadership: L1 1, L2 2, L3 3" in out
