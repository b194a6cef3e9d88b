"""Fixtures and steps for the follow-up tests over Slack: a bot on a fake clock, a dispatcher
sending through the real SlackNudgeSender to the fake Web API, and form submissions."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.coaching.followup.messages import nudge_renderer
from bot.coaching.followup.models import NudgeKind, NudgePreferences, NudgeStatus
from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from bot.container import Coach, follow_up_policy
from bot.nudges.dispatcher import Dispatcher
from bot.slack.nudge_sender import SlackNudgeSender, make_nudge_client
from bot.storage.nudges import SqlNudgeRepository
from tests.fakes import FakeClock
from tests.nudges.fixtures import confirm_leadership
from tests.slack.driver import TEAM, SlackUser, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot

TUESDAY_AFTERNOON = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 14:00 in London, 09:00 in New York
GOAL = "Agree our ward's purpose with the team by March"
_triggers = itertools.count(1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TUESDAY_AFTERNOON)


@pytest.fixture
def bot(
    make_coach: Callable[[], Coach], clock: FakeClock, slack: FakeSlack
) -> Iterator[RunningBot]:
    """The bot over HTTP, its reflections and follow-ups on a clock the test moves (the fake
    Slack's message timestamps too)."""
    slack.ts_clock = lambda: clock.now().timestamp()
    coach = make_coach()
    assert coach.followup is not None
    coach.service.clock = coach.followup.clock = clock
    running = RunningBot(coach).start()
    yield running
    running.stop()


@pytest.fixture
def followup(bot: RunningBot) -> FollowUpService:
    assert bot.coach.followup is not None
    return bot.coach.followup


@pytest.fixture
def sleeps() -> list[float]:
    """What the dispatcher waited (Retry-After), instead of waiting."""
    return []


@pytest.fixture
def dispatcher(bot: RunningBot, clock: FakeClock, sleeps: list[float]) -> Dispatcher:
    """A dispatcher sending through SlackNudgeSender to the fake Slack."""
    coach = bot.coach
    assert coach.followup is not None
    repository = SqlNudgeRepository(coach.engine)
    policy = follow_up_policy(coach.settings)
    return Dispatcher(
        queue=repository,
        repository=repository,
        sender=SlackNudgeSender(make_nudge_client(coach.settings)),
        render=nudge_renderer(
            framework=coach.followup.framework,
            texts=coach.followup.texts,
            re_reflection_weeks=policy.re_reflection_weeks,
        ),
        clock=clock,
        policy=policy,
        worker_id="slack-test",
        sleep=sleeps.append,
    )


def confirmed(bot: RunningBot, person: Person, *, timezone: str | None = None) -> datetime:
    """Rate Leadership, set a goal, confirm and plan check-ins; the first check-in's time."""
    confirm_leadership(bot.coach.service, person, goal=GOAL)
    assert bot.coach.followup is not None
    view = bot.coach.followup.start_after_confirm(person, timezone=timezone)
    assert view.next_due is not None
    return view.next_due


def preferences(followup: FollowUpService, person: Person) -> NudgePreferences:
    prefs = followup.nudges.preferences(person)
    assert prefs is not None
    return prefs


def pending(followup: FollowUpService, person: Person, kind: NudgeKind = NudgeKind.NUDGE) -> list:
    return [
        n
        for n in followup.nudges.nudges_for(person)
        if n.kind is kind and n.status is NudgeStatus.PENDING
    ]


def check_ins_in(slack: FakeSlack, user: SlackUser) -> list[dict[str, Any]]:
    """The follow-up messages in the person's DM (those carrying a dedupe key)."""
    return [m for m in slack.messages_in(user.dm) if (m.get("metadata") or {}).get("event_payload")]


def first_check_in(dispatcher: Dispatcher, user: SlackUser, due: datetime) -> dict[str, Any]:
    """Send what is due at `due`; the check-in as the person sees it."""
    assert dispatcher.send_due(due) == 1
    message = user.next_message()
    assert header(message).startswith("Check-in: ")
    return message


def submit(user: SlackUser, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> Any:
    """Submit a modal with these input values, by block id: {block: {action: value}}."""
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "trust"},
        "user": {"id": user.user_id, "username": "nurse", "name": "nurse", "team_id": TEAM},
        "api_app_id": "A-LIF",
        "token": "legacy",
        "trigger_id": f"{next(_triggers)}.{int(time.time())}.fu-trigger",  # one per delivery
        "is_enterprise_install": False,
        "view": dict(view, state={"values": values}, type="modal", team_id=TEAM),
    }
    return user.send_payload(payload)


def current_values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The state a modal submits when nothing is changed: its initial values."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        values[block["block_id"]] = {element["action_id"]: _initial(element)}
    return values


def _initial(element: dict[str, Any]) -> dict[str, Any]:
    kind = element["type"]
    if kind == "static_select":
        return {"type": kind, "selected_option": element.get("initial_option")}
    if kind == "timepicker":
        return {"type": kind, "selected_time": element.get("initial_time")}
    if kind == "datepicker":
        return {"type": kind, "selected_date": element.get("initial_date")}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": element.get("initial_options") or []}
    if kind == "radio_buttons":
        return {"type": kind, "selected_option": element.get("initial_option")}
    return {"type": kind, "value": element.get("initial_value")}


def choose(values: dict[str, dict[str, Any]], block: str, **state: Any) -> None:
    """Change one input of a modal's state: choose(values, 'fu_cadence', selected_option=...)."""
    (action,) = values[block]
    values[block][action] |= state


def option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def reflect_and_confirm(user: SlackUser) -> dict[str, Any]:
    """Rate the nine Leadership attributes in the DM and confirm the priority areas."""
    user.command("leadership")
    step = user.next_message()
    for rating in (1, 2, 3, 4, 5, 4, 3, 2, 2):
        user.click(step, f"lif.rate.{rating}")
        step = user.next_message()
    assert header(step) == "Your priority areas"
    user.click(step, "lif.confirm")
    return step
