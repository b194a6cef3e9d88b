"""/lif-reflect export, delete and team, over HTTP against the fake Web API."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from bot.coaching.models import Person
from bot.privacy import wording
from bot.settings import Settings
from bot.slack.blocks.privacy import DELETE_ACTION, DELETE_MODAL
from bot.storage.tables import privacy_events
from tests.privacy.reflect import SECRET_ANSWER, SECRET_GOAL, complete_reflection
from tests.slack.driver import TEAM, SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared Slack settings, with one programme lead."""
    return settings.model_copy(update={"team_insight_users": "U-LEAD"})


def _view_payload(user: SlackUser, view: dict[str, Any], kind: str) -> dict[str, Any]:
    """A view_submission or view_closed payload for a modal without inputs."""
    return {
        "type": kind,
        "team": {"id": TEAM, "domain": "trust"},
        "user": {"id": user.user_id, "username": "nurse", "name": "nurse", "team_id": TEAM},
        "api_app_id": "A-LIF",
        "token": "legacy",
        "trigger_id": f"{uuid.uuid4().hex}.trigger",  # each a new delivery
        "is_enterprise_install": False,
        "is_cleared": False,
        "view": dict(view, state={"values": {}}, type="modal", team_id=TEAM),
    }


def _open_delete_modal(user: SlackUser, slack: FakeSlack) -> tuple[dict, dict]:
    ack = user.command("delete")
    assert ack.status == 200 and "confirm" in ack.body
    offer = user.next_message()
    assert header(offer) == "Delete everything LIF Coach stores about you"
    assert "1 reflection" in all_text(offer) and action_ids(offer) == [DELETE_ACTION]
    user.click(offer, DELETE_ACTION)
    modal = slack.wait_for(slack.last_modal, what="the confirmation modal")
    assert modal["callback_id"] == DELETE_MODAL and modal["notify_on_close"] is True
    assert modal["submit"]["text"] == "Delete everything"
    assert modal["close"]["text"] == "Keep my data"
    return offer, modal


# -- export ---------------------------------------------------------------------------------


def test_export_uploads_the_cpd_record_and_the_json_to_the_dm(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    complete_reflection(bot.coach.service, nurse)
    ack = user.command("export")
    assert ack.status == 200 and "files will arrive in our DM" in ack.body

    files = slack.wait_for(lambda: len(found := slack.files_in(user.dm)) == 2 and found)
    markdown = next(f for f in files if f["filename"].endswith(".md"))
    data = next(f for f in files if f["filename"].endswith(".json"))
    assert SECRET_ANSWER in markdown["content"].decode()
    assert "What did you learn from the CPD activity?" in markdown["content"].decode()
    saved = json.loads(data["content"])
    assert saved["reflections"][0]["summary"]["priorities"][0]["goal"] == SECRET_GOAL
    (complete,) = slack.calls_to("files.completeUploadExternal")
    assert complete.params["initial_comment"] == wording.EXPORT_SENT


def test_export_with_nothing_stored_says_so(user: SlackUser, slack: FakeSlack) -> None:
    user.command("export")
    assert user.next_ephemeral() == wording.NOTHING_STORED
    assert slack.calls_to("files.getUploadURLExternal") == []


# -- delete ---------------------------------------------------------------------------------


def test_delete_after_confirming_erases_everything_and_says_so(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person, colleague: Person
) -> None:
    complete_reflection(bot.coach.service, nurse)
    complete_reflection(bot.coach.service, colleague)
    offer, modal = _open_delete_modal(user, slack)

    ack = user.send_payload(_view_payload(user, modal, "view_submission"))
    assert ack.status == 200 and ack.body == ""
    slack.wait_for(lambda: "Done: everything" in all_text(user.current(offer)))
    assert action_ids(user.current(offer)) == [], "no button is left to press"

    assert bot.coach.privacy is not None
    assert bot.coach.privacy.record(nurse).is_empty
    assert not bot.coach.privacy.record(colleague).is_empty
    with bot.coach.engine.connect() as connection:
        (event,) = connection.execute(select(privacy_events)).mappings().all()
    assert (event["kind"], event["user_id"], event["actor"]) == ("erasure", "U-NURSE", "self")


def test_delete_cancelled_changes_nothing(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    complete_reflection(bot.coach.service, nurse)
    assert bot.coach.privacy is not None
    before = bot.coach.privacy.record(nurse)
    _, modal = _open_delete_modal(user, slack)

    user.send_payload(_view_payload(user, modal, "view_closed"))
    assert user.next_ephemeral() == wording.DELETE_CANCELLED
    assert bot.coach.privacy.record(nurse) == before


def test_a_second_delete_is_harmless(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    complete_reflection(bot.coach.service, nurse)
    offer, modal = _open_delete_modal(user, slack)
    user.send_payload(_view_payload(user, modal, "view_submission"))
    slack.wait_for(lambda: "Done: everything" in all_text(user.current(offer)))

    user.send_payload(_view_payload(user, modal, "view_submission"))  # the same modal again
    slack.wait_for(lambda: wording.ERASED_NOTHING in all_text(user.current(offer)))
    user.command("delete")
    assert "nothing to delete" in user.next_ephemeral()


# -- team -----------------------------------------------------------------------------------


def test_team_insights_are_politely_refused_to_someone_who_is_not_a_lead(
    user: SlackUser,
) -> None:
    user.command("team")
    note = user.next_ephemeral()
    assert "Team insights are for programme leads" in note


def test_anyone_can_join_the_count_and_a_lead_sees_only_safe_figures(
    bot: RunningBot, slack: FakeSlack, user: SlackUser, nurse: Person
) -> None:
    user.command("team-optin")
    assert user.next_ephemeral() == wording.COUNTED
    assert bot.coach.privacy is not None and bot.coach.privacy.is_counted(nurse)

    lead = SlackUser(bot.events_url, slack, user_id="U-LEAD")
    lead.command("team")
    insights = lead.next_message()
    assert header(insights) == "Team insights"
    assert "Fewer than 5 people" in all_text(insights)

    user.command("team leave")
    assert user.next_ephemeral(2) == wording.NOT_COUNTED
    assert not bot.coach.privacy.is_counted(nurse)
