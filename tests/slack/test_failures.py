"""When Slack or the database fails, nobody loses an answer and everyone is told what to do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event

from bot.coaching.models import Person
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot


def test_a_rate_limited_post_waits_for_retry_after_and_is_sent_once(
    user: SlackUser, slack: FakeSlack
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)

    ack = user.command("leadership")

    assert ack.status == 200, "the ack never waits for the Web API"
    assert header(user.next_message()) == "Leadership 1 of 9"
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]
    assert len(slack.messages_in(user.dm)) == 1


def test_a_server_error_is_retried(user: SlackUser, slack: FakeSlack) -> None:
    slack.fail_next("conversations.open", status=500)
    user.command("improvement")
    assert header(user.next_message()) == "Improvement 1 of 10"


def test_when_posting_the_next_step_keeps_failing_the_answer_is_kept_and_resume_works(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    first = user.next_message()
    slack.fail_next("chat.postMessage", times=3, status=500)  # more than the retries

    user.click(first, "lif.rate.4")

    assert "Anything you answered is saved" in user.next_ephemeral()
    assert bot.coach.service.resume(nurse).index == 1
    user.command("resume")
    assert header(user.next_message()) == "Leadership 2 of 9"


class Outage:
    """Switches the database off (every new connection refused) and on again."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

        def refuse(dialect, *_):  # type: ignore[no-untyped-def]
            raise dialect.loaded_dbapi.OperationalError("connection refused (test outage)")

        self._refuse = refuse

    def begin(self) -> None:
        self.engine.dispose()  # drop pooled connections, as a server restart would
        event.listen(self.engine, "do_connect", self._refuse)

    def end(self) -> None:
        if event.contains(self.engine, "do_connect", self._refuse):
            event.remove(self.engine, "do_connect", self._refuse)


@pytest.fixture
def outage(bot: RunningBot) -> Iterator[Outage]:
    switch = Outage(bot.coach.engine)
    yield switch
    switch.end()


def test_with_the_database_down_the_person_is_told_it_will_continue_and_loses_nothing(
    user: SlackUser, bot: RunningBot, nurse: Person, outage: Outage
) -> None:
    user.command("leadership")
    first = user.next_message()
    user.say("Our vision is on the ward wall.")
    user.next_message()
    outage.begin()

    user.click(first, "lif.rate.3")
    note = user.next_ephemeral()
    assert "can't reach my database" in note and "nothing was changed" in note
    assert "continue from where you were" in note and "/lif-reflect resume" in note
    user.say("A second thought, while the database is away.")
    assert "can't reach my database" in user.next_ephemeral(2)
    assert "lif.rate.3" in action_ids(user.current(first)), "its buttons stay, to try again"

    outage.end()
    user.click(first, "lif.rate.3")
    assert header(user.next_message()) == "Leadership 2 of 9"
    assert "You rated this *3*" in all_text(user.current(first))
    reflection = bot.coach.service.repository.active_for(nurse)
    assert reflection is not None and reflection.cursor == 1
    assert reflection.answers["L1"].rating == 3
    assert reflection.answers["L1"].text == "Our vision is on the ward wall."
