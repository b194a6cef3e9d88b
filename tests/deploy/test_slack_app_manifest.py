"""deploy/slack-app-manifest.yaml: what a workspace admin pastes to create the Slack app."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.slack.server import EVENTS_PATH
from tests.deploy.support import CHART, DEPLOY, ROOT

MANIFEST = DEPLOY / "slack-app-manifest.yaml"
README = (ROOT / "README.md").read_text()


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    document = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(document, dict), "the manifest is one YAML mapping"
    return document


def test_it_registers_the_lif_reflect_command(manifest: dict[str, Any]) -> None:
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert "/lif-reflect" in commands


def test_it_subscribes_to_direct_messages_and_the_home_tab(manifest: dict[str, Any]) -> None:
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"message.im", "app_home_opened"} <= set(events)


def test_it_asks_for_the_scopes_the_bot_uses(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert {"chat:write", "commands", "im:history", "im:write"} <= set(scopes)


def _request_urls(manifest: dict[str, Any]) -> list[str]:
    settings = manifest["settings"]
    return [
        *(c["url"] for c in manifest["features"]["slash_commands"]),
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]


def test_it_is_written_for_http_mode_as_the_chart_and_compose_run_the_bot(
    manifest: dict[str, Any],
) -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert values["slack"]["mode"] == "http"
    compose = (DEPLOY / ".env.example").read_text()
    assert "SLACK_SIGNING_SECRET" in compose and "SLACK_APP_TOKEN=" not in compose
    assert manifest["settings"]["socket_mode_enabled"] is False
    urls = _request_urls(manifest)
    assert len(urls) == 3 and set(urls) == {f"https://lif-coach.example.org{EVENTS_PATH}"}


def test_the_readme_says_how_to_switch_it_to_socket_mode() -> None:
    socket_mode = README.split("### 2a. Socket Mode", 1)[1].split("###", 1)[0]
    assert "`socket_mode_enabled: true`" in socket_mode


def test_org_wide_installs_are_enabled_as_the_readme_says(manifest: dict[str, Any]) -> None:
    promised = "org-wide Enterprise Grid install" in README
    assert manifest["settings"]["org_deploy_enabled"] is promised
    assert "`org_deploy_enabled: true`" in README
