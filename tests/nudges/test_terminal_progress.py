"""Progress at the keyboard: a check-in when stuck, the timeline, and a chart to a file."""

from __future__ import annotations

import io

from rich.console import Console

from bot.terminal.progress import ProgressScreen
from tests.nudges.fixtures import confirm_leadership


def test_stuck_check_in_then_timeline_then_chart(coach, followup, nurse, tmp_path) -> None:
    confirm_leadership(coach, nurse)
    followup.start_after_confirm(nurse)
    chart = tmp_path / "ratings.png"
    lines = iter(["k", "3", "The team never agrees where we are heading", f"w {chart}", "q"])
    console = Console(file=io.StringIO(), width=160, color_system=None)
    labels = {level.value: level.label for level in coach.questions.rating_scale}
    ProgressScreen(followup, nurse, console, lambda _: next(lines), labels).run()
    out = console.file.getvalue()
    assert "Thanks for being honest: being stuck is part of improving" in out
    assert "It may help to look at a related attribute" in out
    assert "Stuck" in out and "The team never agrees where we are heading" in out
    assert "The first check-in is on Tuesday 15" in out
    assert chart.read_bytes().startswith(b"\x89PNG") and "Self-ratings, latest" in out
