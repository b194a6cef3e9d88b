"""Two workspaces, one user id: nothing one person wrote ever reaches the other, or changes."""

from __future__ import annotations

import json

import pytest

from bot.coaching.errors import CoachingError
from bot.coaching.models import Person
from tests.slack.driver import SlackUser, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot
from tests.slack.oauth_support import install

SECRET_ONE = "Team one's words: the night shift on ward 7 is short of two nurses."
SECRET_TWO = "Team two's words: I want to lead the handover audit."


def _started(bot: RunningBot, slack: FakeSlack, team: str, words: str) -> tuple[SlackUser, dict]:
    """U1 of `team` starts a reflection and writes `words` on its first step."""
    user = SlackUser(bot.events_url, slack, "U1", team=team)
    assert "Starting Leadership" in user.command("leadership").body
    step = user.next_message()
    assert user.say(words).status == 200
    assert "Saved your reflection" in all_text(user.next_message())
    return user, step


def _texts_sent_with(slack: FakeSlack, token: str) -> str:
    """Everything the bot sent to Slack with this team's token, and every file it uploaded."""
    sent = [json.dumps(c.params) for c in slack.calls if c.token == token]
    files = [str(f["content"]) for f in slack.uploads.values()]
    return "\n".join(sent + files)


def test_the_same_user_id_in_two_workspaces_never_sees_or_changes_the_others_data(
    oauth_bot: RunningBot, slack: FakeSlack
) -> None:
    install(oauth_bot, slack, "T1")
    install(oauth_bot, slack, "T2")
    one, one_step = _started(oauth_bot, slack, "T1", SECRET_ONE)
    two, _ = _started(oauth_bot, slack, "T2", SECRET_TWO)
    assert one.dm != two.dm

    assert "Picking up" in two.command("resume").body
    assert header(two.next_message()) == "Leadership 1 of 9"
    two.command("summary")
    two.open_home()
    slack.wait_for(
        lambda: [c for c in slack.calls_to("views.publish") if c.token == slack.token_of("T2")],
        what="T2's Home",
    )
    two.command("export")
    slack.wait_for(lambda: len(slack.files_in(two.dm)) == 2, what="T2's export")
    assert SECRET_TWO.split(":")[1].strip() in "".join(
        f["content"].decode() for f in slack.files_in(two.dm)
    )

    # A forged click from T2 carrying T1's reflection id (T1's own button) is refused.
    forged = two.click_payload(one_step, "lif.rate.5")
    forged["container"]["channel_id"] = forged["channel"]["id"] = two.dm
    assert two.send_payload(forged).status == 200
    slack.wait_for(lambda: two.ephemerals(), what="a refusal to T2")

    seen_by_two = _texts_sent_with(slack, slack.token_of("T2"))
    assert "night shift on ward 7" not in seen_by_two
    assert "night shift on ward 7" not in "".join(
        f["content"].decode() for f in slack.files_in(two.dm)
    )
    reflection_id = one_step["blocks"][-1]["elements"][0]["value"].split("|")[0]
    with pytest.raises(CoachingError):  # the service itself refuses T2's U1
        oauth_bot.coach.service.current(Person(workspace_id="T2", user_id="U1"), reflection_id)
    mine = oauth_bot.coach.service.current(Person(workspace_id="T1", user_id="U1"), reflection_id)
    assert mine is not None
    assert all_text(one.current(one_step)) == all_text(one_step), "T1's step is untouched"
    resumed = one.command("resume")
    assert "Picking up" in resumed.body
    assert header(one.next_message()) == "Leadership 1 of 9", "T1 is still on its first step"
