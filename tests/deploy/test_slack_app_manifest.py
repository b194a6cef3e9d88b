"""deploy/slack-app-manifest.yaml: what a workspace admin pastes to create the Slack app."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.deploy.support import DEPLOY

MANIFEST = DEPLOY / "slack-app-manifest.yaml"


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
