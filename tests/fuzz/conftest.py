"""Fixtures for the fuzz tests: the Bolt app in-process, with the fake Slack Web API."""

from tests.slack.conftest import make_coach, settings, slack  # noqa: F401 (fixtures by name)
