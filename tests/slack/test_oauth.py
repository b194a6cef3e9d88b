"""OAuth install mode: installing into a team, then serving it with that team's own token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import text

from bot.slack.oauth import BOT_SCOPES
from tests.ops.processes import wait_for
from tests.slack.driver import SlackUser
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot
from tests.slack.oauth_support import finish_install, get, install, start_install

REFUSED = (400, 401)  # Bolt: 400 for a state not matching its cookie, 401 for an unknown one
MANIFEST = Path(__file__).parents[2] / "deploy" / "slack-app-manifest.yaml"


def _bot_token(bot: RunningBot, team: str) -> str | None:
    store = SQLAlchemyInstallationStore(FakeSlack.CLIENT_ID, engine=bot.coach.engine)
    found = store.find_bot(enterprise_id=None, team_id=team)
    return found.bot_token if found else None


def _stored(bot: RunningBot, team: str) -> bool:
    """Whether any installation or bot row of the team is left."""
    store = SQLAlchemyInstallationStore(FakeSlack.CLIENT_ID, engine=bot.coach.engine)
    found = store.find_installation(enterprise_id=None, team_id=team)
    return found is not None or _bot_token(bot, team) is not None


def test_the_scopes_asked_for_are_the_manifests_bot_scopes() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])


def test_install_sends_the_admin_to_slack_with_a_state_and_the_bot_scopes(
    oauth_bot: RunningBot,
) -> None:
    answer, state = start_install(oauth_bot)
    assert answer.status == 302
    assert answer.location.startswith("https://slack.com/oauth/v2/authorize?")
    query = parse_qs(urlparse(answer.location).query)
    assert query["client_id"] == [FakeSlack.CLIENT_ID]
    assert sorted(query["scope"][0].split(",")) == sorted(BOT_SCOPES)
    assert state and answer.cookie.endswith(f"={state}")


def test_the_redirect_stores_the_token_and_the_team_is_then_served_with_it(
    oauth_bot: RunningBot, slack: FakeSlack
) -> None:
    install(oauth_bot, slack, "T-ONE")
    (access,) = slack.calls_to("oauth.v2.access")
    assert access.status == 200 and access.response["ok"]
    assert _bot_token(oauth_bot, "T-ONE") == slack.token_of("T-ONE")

    user = SlackUser(oauth_bot.events_url, slack, "U1", team="T-ONE")
    ack = user.command("leadership")
    assert ack.status == 200 and "Starting Leadership" in ack.body
    step = user.next_message()
    posted = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == user.dm]
    assert posted and {c.token for c in posted} == {slack.token_of("T-ONE")}
    assert step["channel"] == user.dm


def test_a_forged_or_reused_state_is_refused_and_nothing_is_installed(
    oauth_bot: RunningBot, slack: FakeSlack
) -> None:
    answer, state = start_install(oauth_bot)
    forged = finish_install(oauth_bot, slack, "T-ONE", "forged", "slack-app-oauth-state=forged")
    assert forged.status in REFUSED
    mismatched = finish_install(oauth_bot, slack, "T-ONE", state, "slack-app-oauth-state=other")
    assert mismatched.status in REFUSED
    assert finish_install(oauth_bot, slack, "T-ONE", state, answer.cookie).status == 200
    reused = finish_install(oauth_bot, slack, "T-TWO", state, answer.cookie)
    assert reused.status in REFUSED
    assert _bot_token(oauth_bot, "T-TWO") is None
    assert len(slack.calls_to("oauth.v2.access")) == 1


def test_an_expired_state_is_refused(oauth_bot: RunningBot, slack: FakeSlack) -> None:
    answer, state = start_install(oauth_bot)
    past = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
    with oauth_bot.coach.engine.begin() as connection:
        connection.execute(text("UPDATE slack_oauth_states SET expire_at = :t"), {"t": past})
    assert finish_install(oauth_bot, slack, "T-ONE", state, answer.cookie).status in REFUSED
    assert _bot_token(oauth_bot, "T-ONE") is None
    assert slack.calls_to("oauth.v2.access") == []


def test_a_team_that_never_installed_gets_nothing(oauth_bot: RunningBot, slack: FakeSlack) -> None:
    install(oauth_bot, slack, "T-ONE")
    stranger = SlackUser(oauth_bot.events_url, slack, "U1", team="T-NOPE")
    stranger.command("leadership")
    assert slack.calls_to("chat.postMessage") == []
    assert get(oauth_bot, "/healthz").status == 200


@pytest.mark.parametrize(
    "event",
    [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"bot": ["B-LIF"]}}],
    ids=["uninstalled", "bot token revoked"],
)
def test_an_uninstall_deletes_that_workspaces_stored_token_and_no_other(
    oauth_bot: RunningBot, slack: FakeSlack, event: dict[str, object]
) -> None:
    install(oauth_bot, slack, "T-ONE")
    install(oauth_bot, slack, "T-TWO")
    admin = SlackUser(oauth_bot.events_url, slack, "U1", team="T-ONE")

    assert admin.send_event(event).status == 200
    # Both rows: slack_sdk's delete_all removes the bot row, then, in a second transaction,
    # the installation row, which also holds the token.
    wait_for(lambda: not _stored(oauth_bot, "T-ONE"), timeout=10, what="the token gone")

    assert _bot_token(oauth_bot, "T-TWO") == slack.token_of("T-TWO")
    admin.command("leadership")
    colleague = SlackUser(oauth_bot.events_url, slack, "U2", team="T-TWO")
    colleague.command("leadership")
    colleague.next_message()
    assert [c.params["channel"] for c in slack.calls_to("chat.postMessage")] == [colleague.dm]


def test_revoked_user_tokens_leave_the_bot_token_alone(
    oauth_bot: RunningBot, slack: FakeSlack
) -> None:
    install(oauth_bot, slack, "T-ONE")
    admin = SlackUser(oauth_bot.events_url, slack, "U1", team="T-ONE")

    assert admin.send_event({"type": "tokens_revoked", "tokens": {"oauth": ["U1"]}}).status == 200
    admin.command("leadership")

    assert admin.next_message()["channel"] == admin.dm  # still served with its bot token
    assert _bot_token(oauth_bot, "T-ONE") == slack.token_of("T-ONE")
