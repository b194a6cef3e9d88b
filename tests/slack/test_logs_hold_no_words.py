"""Logs never hold what a person wrote: every logger at DEBUG, plain and as JSON lines.

A whole reflection runs in Slack (the real app over HTTP, the fake Web API) and in the terminal
(on the real SQL store) with distinctive words; then the captured records, and the same records
rendered by bot/observability.py's JsonFormatter, are searched for those words.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator

import pytest
from rich.console import Console

from bot.coaching.models import Person
from bot.container import Coach
from bot.observability import JsonFormatter
from bot.terminal.chat import TerminalChat
from tests.privacy.reflect import LEADERSHIP_RATINGS
from tests.slack.driver import SlackUser, all_text, header
from tests.slack.fake_slack import FakeSlack

SLACK_WORDS = "Perihelion ward rota anxieties about letting Priya run it"
SLACK_GOAL = "Obsidian handover plan agreed with Priya by March"
TERMINAL_WORDS = "Marzipan consultants disagree where the unit is heading"
TERMINAL_GOAL = "Vellum one-page vision agreed with the team"
ALL_WORDS = (SLACK_WORDS, SLACK_GOAL, TERMINAL_WORDS, TERMINAL_GOAL)


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Every logger at DEBUG into caplog, and the same records as JSON lines into a buffer."""
    json_lines = io.StringIO()
    handler = logging.StreamHandler(json_lines)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    yield json_lines
    logging.getLogger().removeHandler(handler)
    for logger, level in levels:
        logger.setLevel(level)


def _assert_no_words(caplog: pytest.LogCaptureFixture, json_lines: io.StringIO) -> None:
    assert caplog.records, "the capture saw the run"
    text = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.__dict__}" for r in caplog.records
    )
    rendered = json_lines.getvalue()
    assert rendered.count("\n") >= len(caplog.records) // 2
    for words in ALL_WORDS:
        for fragment in (words, words.split()[0]):
            assert fragment not in text, f"{fragment!r} is in a log record"
            assert fragment not in rendered, f"{fragment!r} is in a JSON log line"


def test_a_whole_reflection_in_slack_logs_none_of_the_persons_words(
    every_log: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    user: SlackUser,
    slack: FakeSlack,
) -> None:
    user.command("leadership")
    step = user.next_message()
    for number, rating in enumerate(LEADERSHIP_RATINGS, start=1):
        if number == 5:
            user.say(SLACK_WORDS)
            user.next_message()
        user.click(step, f"lif.rate.{rating}")
        step = user.next_message()
    summary = step
    assert header(summary) == "Your priority areas" and SLACK_WORDS in all_text(summary)
    user.click(summary, "lif.goal.L5")
    modal = slack.wait_for(slack.last_modal, what="the goal form")
    user.submit(modal, SLACK_GOAL)
    slack.wait_for(lambda: SLACK_GOAL in all_text(user.current(summary)))
    user.click(user.current(summary), "lif.confirm")
    slack.wait_for(lambda: header(user.current(summary)) == "Your confirmed priority areas")
    user.command("export")
    slack.wait_for(lambda: len(slack.files_in(user.dm)) == 2)
    _assert_no_words(caplog, every_log)


def test_a_whole_reflection_in_the_terminal_logs_none_of_the_persons_words(
    every_log: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    make_coach: Callable[[], Coach],
    nurse: Person,
) -> None:
    coach = make_coach()
    lines = ["l", "", TERMINAL_WORDS, "1", "4", "3", "2", "5", "4", "3", "4", "4"]
    lines += ["g 1", TERMINAL_GOAL, "c", "q", "q"]
    typed = iter(lines)

    def keyboard(_: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    console = Console(file=io.StringIO(), width=110, color_system=None)
    TerminalChat(coach.service, nurse, console, read=keyboard, followup=coach.followup).run()
    saved = coach.service.last_summary(nurse)
    assert saved is not None and saved.priorities[0].goal == TERMINAL_GOAL
    coach.engine.dispose()
    _assert_no_words(caplog, every_log)
