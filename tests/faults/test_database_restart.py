"""PostgreSQL drops every connection mid-reflection (as a restart or failover does)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from bot.coaching.models import Person
from tests.conftest import POSTGRES_URL
from tests.slack.driver import SlackUser, header
from tests.slack.harness import RunningBot

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="needs PostgreSQL (set LIF_TEST_DATABASE_URL): SQLite has no server"
)


def terminate_connections(application_name: str) -> int:
    """From an admin connection, end every backend of this test's connections; how many."""
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name"
                    ),
                    {"name": application_name},
                ).all()
            )
    finally:
        admin.dispose()


def test_after_every_connection_is_cut_the_next_click_continues_and_nothing_is_lost(
    user: SlackUser, bot: RunningBot, nurse: Person, application_name: str
) -> None:
    user.command("leadership")
    step = user.next_message()
    user.say("We share the vision at every huddle.")
    user.next_message()
    user.click(step, "lif.rate.4")
    step = user.next_message()

    cut = terminate_connections(application_name)
    assert cut >= 1, "the bot's pooled connections were ended"
    started = time.monotonic()
    user.click(step, "lif.rate.2")
    notes = user.ephemerals()
    if notes:  # the click met a dead connection: told to try again, then a retry works
        assert "continue from where you were" in notes[-1]
        user.click(step, "lif.rate.2")
    assert header(user.next_message()) == "Leadership 3 of 9"
    print(f"\npg connections cut: {cut}; recovered in {time.monotonic() - started:.2f} s")

    following = bot.coach.service.repository.active_for(nurse)
    assert following is not None and following.cursor == 2
    assert following.answers["L1"].rating == 4
    assert following.answers["L1"].text == "We share the vision at every huddle."
    assert following.answers["L2"].rating == 2
