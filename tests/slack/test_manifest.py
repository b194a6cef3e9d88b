"""The app manifest asks for what the bot uses: its command, events, scopes and surfaces."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.blocks import wording

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack-app-manifest.yaml"


def test_the_manifest_declares_the_command_events_scopes_and_surfaces_the_bot_uses() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]

    assert [c["command"] for c in features["slash_commands"]] == [wording.COMMAND]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "message.im",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert {"chat:write", "commands", "files:write", "im:history", "im:write", "users:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
    assert settings["interactivity"]["is_enabled"]
    assert settings["socket_mode_enabled"] is False  # HTTP, as the chart and compose run it
    home = features["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert not home["messages_tab_read_only_enabled"]


def test_the_display_texts_are_within_slacks_lengths() -> None:
    display = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["display_information"]
    assert len(display["name"]) <= 35 and len(display["description"]) <= 140
    assert 175 <= len(display["long_description"]) <= 4_000
