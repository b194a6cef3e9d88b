"""`lif-coach serve` killed with SIGKILL mid-reflection (no shutdown at all), then started again."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from pydantic import SecretStr

from bot.coaching.models import Person
from bot.container import build_coach
from bot.settings import Settings
from tests.keys import TEST_KEY
from tests.ops.processes import ChromaServer, ServeProcess
from tests.ops.test_serve_process import serve_env
from tests.slack.driver import SlackUser, header
from tests.slack.fake_slack import FakeSlack

ANSWER = "I named the lead for each bay at handover."


def test_after_sigkill_a_new_process_resumes_the_reflection_with_nothing_confirmed_lost(
    slack: FakeSlack,
    database_url: str,
    chroma_server: ChromaServer,
    tmp_path: Path,
    model_dir: Path,
    settings: Settings,
) -> None:
    env = serve_env(
        slack=slack,
        database_url=database_url,
        chroma_url=chroma_server.url,
        data_dir=tmp_path / "data",
        model_dir=model_dir,
    )
    first = ServeProcess(env, tmp_path / "first.log").start()
    first.wait_until_ready()
    user = SlackUser(first.events_url, slack, user_id="U-KILL")
    user.command("leadership")
    step = user.next_message(timeout=15)
    for rating in (4, 3):
        user.click(step, f"lif.rate.{rating}")
        step = user.next_message(timeout=15)
    assert user.say(ANSWER).status == 200
    user.next_message(timeout=15)  # "Saved your reflection": confirmed to the person
    assert header(step) == "Leadership 3 of 9"

    assert first.process is not None
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    killed = time.monotonic()

    second = ServeProcess(env, tmp_path / "second.log").start()
    try:
        second.wait_until_ready()
        ready = time.monotonic() - killed
        user.events_url = second.events_url
        assert "Picking up" in user.command("resume").body
        resumed = user.next_message(timeout=15)
        assert header(resumed) == "Leadership 3 of 9"
        user.click(resumed, "lif.rate.5")
        assert header(user.next_message(timeout=15)) == "Leadership 4 of 9"
        print(
            f"\nSIGKILL recovery: ready {ready:.1f} s after the kill, "
            f"resumed at step 3 in {time.monotonic() - killed:.1f} s"
        )
    finally:
        second.stop()

    # The same database, read by a coach of the test's own with the processes' key.
    coach = build_coach(settings.model_copy(update={"encryption_key": SecretStr(TEST_KEY)}))
    reflection = coach.service.repository.active_for(
        Person(workspace_id="T-TRUST", user_id="U-KILL")
    )
    coach.engine.dispose()
    assert reflection is not None and reflection.cursor == 3
    assert [reflection.answers[a].rating for a in ("L1", "L2", "L3")] == [4, 3, 5]
    assert reflection.answers["L3"].text == ANSWER
