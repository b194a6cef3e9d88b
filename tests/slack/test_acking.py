"""Slack is answered the moment a listener acks; the listener's work carries on afterwards."""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, BoltRequest
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from bot.slack.acking import AFTER_ACK, AckFirstApp

WORK_SECONDS = 2.0  # far longer than an ack may take, even on a loaded machine


def ack_first_app(**options: Any) -> AckFirstApp:
    return AckFirstApp(
        listener_executor=ThreadPoolExecutor(8),
        work_slots=2,
        client=WebClient(base_url="http://127.0.0.1:9/"),  # never called
        authorize=lambda **_: AuthorizeResult(
            enterprise_id=None, team_id="T1", bot_token="xoxb-test", bot_user_id="UB", bot_id="B"
        ),
        request_verification_enabled=False,
        **options,
    )


@pytest.fixture
def app() -> AckFirstApp:
    return ack_first_app()


def command() -> BoltRequest:
    form = {"command": "/lif-reflect", "text": "", "user_id": "U1", "team_id": "T1"}
    form |= {"channel_id": "C1", "trigger_id": "t1", "response_url": "http://127.0.0.1:9/r"}
    return BoltRequest(
        body=urlencode(form), headers={"content-type": ["application/x-www-form-urlencoded"]}
    )


def event() -> BoltRequest:
    body = {"type": "event_callback", "team_id": "T1", "event_id": "Ev1"}
    body["event"] = {"type": "app_mention", "user": "U1", "text": "hi", "channel": "C1"}
    return BoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})


def timed(app: AckFirstApp, request: BoltRequest) -> tuple[int, str, float]:
    started = time.monotonic()
    response = app.dispatch(request)
    return response.status, response.body, time.monotonic() - started


def test_the_ack_is_sent_while_the_listener_is_still_working(app: AckFirstApp) -> None:
    finished = threading.Event()

    @app.command("/lif-reflect")
    def slow(ack: Ack) -> None:
        ack(text="On my way")
        time.sleep(WORK_SECONDS)
        finished.set()

    status, body, seconds = timed(app, command())

    assert (status, body) == (200, "On my way")
    assert seconds < WORK_SECONDS / 2 and not finished.is_set()
    assert finished.wait(WORK_SECONDS * 3)  # the work still happens


def test_a_listener_that_fails_before_acking_gets_slack_an_error_at_once(
    app: AckFirstApp, caplog: pytest.LogCaptureFixture
) -> None:
    @app.command("/lif-reflect")
    def broken(ack: Ack) -> None:
        raise RuntimeError("no ack")

    status, _, seconds = timed(app, command())

    assert status == 500 and seconds < 1.0
    assert "no ack" in caplog.text  # Bolt's error handler logged it


def test_a_failure_after_the_ack_keeps_the_ack_and_is_logged(
    app: AckFirstApp, caplog: pytest.LogCaptureFixture
) -> None:
    failed = threading.Event()

    @app.command("/lif-reflect")
    def fails_later(ack: Ack) -> None:
        ack(text="Starting")
        try:
            raise RuntimeError("after the ack")
        finally:
            failed.set()

    with caplog.at_level(logging.ERROR, logger="bot.slack.acking"):
        status, body, _ = timed(app, command())
        assert failed.wait(5)
        time.sleep(0.1)  # the log line is written just after

    assert (status, body) == (200, "Starting")
    assert "failed after acknowledging" in caplog.text


def test_events_are_acknowledged_without_waiting_for_their_listener(app: AckFirstApp) -> None:
    finished = threading.Event()

    @app.event("app_mention")
    def slow(event: dict[str, Any]) -> None:
        time.sleep(WORK_SECONDS)
        finished.set()

    status, _, seconds = timed(app, event())

    assert status == 200 and seconds < WORK_SECONDS / 2 and not finished.is_set()
    assert finished.wait(WORK_SECONDS * 3)


def test_a_listener_that_never_acks_releases_the_request_after_the_wait(
    app: AckFirstApp, caplog: pytest.LogCaptureFixture
) -> None:
    app.ack_first.wait_seconds = 0.2
    release = threading.Event()

    @app.command("/lif-reflect")
    def forgetful(ack: Ack) -> None:
        release.wait(WORK_SECONDS * 3)

    status, _, seconds = timed(app, command())
    release.set()

    assert status == 404 and seconds < WORK_SECONDS  # Bolt's answer when nothing acked
    assert "did not acknowledge" in caplog.text


def gate_with(app: AckFirstApp, gate: Any) -> None:
    """A middleware that sets the after-ack gate, as the delivery log's middleware does."""

    def set_gate(next: Any) -> None:  # noqa: A002 (Bolt's name for it)
        AFTER_ACK.set(gate)
        next()

    app.use(set_gate)


def test_a_slow_after_ack_check_does_not_hold_up_the_ack(app: AckFirstApp) -> None:
    checked, worked = threading.Event(), threading.Event()

    def slow_check() -> bool:
        time.sleep(WORK_SECONDS)
        checked.set()
        return True

    gate_with(app, slow_check)

    @app.command("/lif-reflect")
    def listener(ack: Ack) -> None:
        ack(text="On my way")
        worked.set()

    status, body, seconds = timed(app, command())

    assert (status, body) == (200, "On my way") and seconds < WORK_SECONDS / 2
    assert worked.wait(WORK_SECONDS * 3) and checked.is_set()  # the check came first


def test_a_listener_stops_at_its_ack_when_the_check_says_no(app: AckFirstApp) -> None:
    gate_with(app, lambda: False)
    after_ack = []

    @app.command("/lif-reflect")
    def listener(ack: Ack) -> None:
        try:
            ack(text="On my way")
        except Exception:  # a listener's own broad except cannot swallow the stop
            after_ack.append("swallowed")
        after_ack.append("worked")

    status, body, _ = timed(app, command())
    time.sleep(0.2)

    assert (status, body) == (200, "On my way") and after_ack == []


def test_an_event_listener_does_not_run_when_the_check_says_no(app: AckFirstApp) -> None:
    gate_with(app, lambda: False)
    ran = threading.Event()
    app.event("app_mention")(lambda event: ran.set())

    status, _, _ = timed(app, event())

    assert status == 200 and not ran.wait(0.3)


def test_the_check_belongs_to_its_own_request_only(app: AckFirstApp) -> None:
    gates: list[Any] = [lambda: False]  # only the first request sets a check
    handled = []

    def set_gate_once(next: Any) -> None:  # noqa: A002
        if gates:
            AFTER_ACK.set(gates.pop())
        next()

    app.use(set_gate_once)
    app.event("app_mention")(lambda event: handled.append(event["text"]))

    timed(app, event())
    timed(app, event())  # same thread, no check set: handled
    time.sleep(0.3)

    assert handled == ["hi"]


def test_requests_are_acknowledged_while_every_work_slot_is_busy(app: AckFirstApp) -> None:
    release = threading.Event()
    working, most = [0], [0]
    lock = threading.Lock()

    @app.command("/lif-reflect")
    def busy(ack: Ack) -> None:
        ack(text="On my way")
        ack()  # a second ack changes nothing
        with lock:
            working[0] += 1
            most[0] = max(most[0], working[0])
        release.wait(WORK_SECONDS * 3)
        with lock:
            working[0] -= 1

    answers = [timed(app, command()) for _ in range(5)]  # 2 work slots (the fixture)
    release.set()

    assert all(status == 200 and seconds < WORK_SECONDS / 2 for status, _, seconds in answers)
    assert most[0] == 2


# -- With work processes: the acking process stops at the ack and hands the request on ----------


@pytest.fixture
def handed_off() -> list[BoltRequest]:
    return []


@pytest.fixture
def front(handed_off: list[BoltRequest]) -> AckFirstApp:
    """The serving process's app when work processes are on: work after an ack leaves it."""
    return ack_first_app(handoff=handed_off.append)


@pytest.fixture
def worker() -> AckFirstApp:
    """A work process's app: it replays requests that were acknowledged elsewhere."""
    return ack_first_app(replaying=True)


def view_submission() -> BoltRequest:
    payload = {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"}}
    payload["view"] = {"id": "V1", "type": "modal", "callback_id": "form", "state": {}}
    return BoltRequest(
        body=urlencode({"payload": json.dumps(payload)}),
        headers={"content-type": ["application/x-www-form-urlencoded"]},
    )


def test_with_work_processes_a_command_is_acked_here_and_its_work_handed_on(
    front: AckFirstApp, handed_off: list[BoltRequest]
) -> None:
    done_here = []

    @front.command("/lif-reflect")
    def listener(ack: Ack) -> None:
        ack(text="On my way")
        done_here.append("work")

    status, body, _ = timed(front, command())

    assert (status, body) == (200, "On my way")
    assert done_here == []  # none of the work ran in the acking process
    assert [request.body["command"] for request in handed_off] == ["/lif-reflect"]


def test_with_work_processes_events_are_handed_on_without_running_here(
    front: AckFirstApp, handed_off: list[BoltRequest]
) -> None:
    ran = []
    front.event("app_mention")(lambda event: ran.append(event))

    status, _, _ = timed(front, event())

    assert status == 200 and ran == []
    assert [request.body["event"]["text"] for request in handed_off] == ["hi"]


def test_a_form_that_acks_after_saving_is_never_handed_on(
    front: AckFirstApp, handed_off: list[BoltRequest]
) -> None:
    saved = []

    @front.view("form")
    def submit(ack: Ack) -> None:
        saved.append("saved")  # the ack must say whether the save worked, so it comes first
        ack()

    status, _, _ = timed(front, view_submission())
    time.sleep(0.1)

    assert status == 200 and saved == ["saved"] and handed_off == []


def test_a_listener_that_returns_without_acking_hands_nothing_on(
    front: AckFirstApp, handed_off: list[BoltRequest]
) -> None:
    front.command("/lif-reflect")(lambda ack: None)

    status, _, _ = timed(front, command())

    assert status == 404 and handed_off == []  # as without work processes: Bolt's answer


def test_a_replayed_command_runs_its_work_after_the_check(worker: AckFirstApp) -> None:
    steps: list[str] = []

    def check() -> bool:
        steps.append("checked")
        return True

    gate_with(worker, check)

    @worker.command("/lif-reflect")
    def listener(ack: Ack) -> None:
        steps.append("before ack")
        ack(text="On my way")
        steps.append("work")

    status, _, _ = timed(worker, command())

    assert status == 200 and steps == ["before ack", "checked", "work"]  # on this thread


def test_a_replayed_repeat_delivery_stops_at_the_ack(worker: AckFirstApp) -> None:
    gate_with(worker, lambda: False)
    steps: list[str] = []

    @worker.command("/lif-reflect")
    def listener(ack: Ack) -> None:
        ack(text="On my way")
        steps.append("work")

    worker.event("app_mention")(lambda event: steps.append("event"))

    timed(worker, command())
    timed(worker, event())

    assert steps == []


def test_finding_the_listener_for_a_request_builds_no_listener_arguments(
    app: AckFirstApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bolt's matchers read only the body: asking each of many listeners whether a request is
    theirs must not build every listener argument each time (more than half of a command's
    dispatch, before)."""
    from slack_bolt.listener_matcher import builtins

    built = []
    real_build = builtins.build_required_kwargs
    monkeypatch.setattr(
        builtins, "build_required_kwargs", lambda **kw: built.append(1) or real_build(**kw)
    )
    heard = []
    for n in range(30):
        app.action(f"lif.other.{n}")(lambda ack: ack())
    app.event("app_mention")(lambda: None)
    app.command("/other", matchers=[lambda body: heard.append("matcher") or True])(
        lambda ack: ack()
    )

    @app.command("/lif-reflect", matchers=[lambda body: heard.append("matcher") or True])
    def reflect(ack: Ack) -> None:
        heard.append("listener")
        ack(text="ok")

    assert timed(app, command())[:2] == (200, "ok")
    assert built == []
    assert heard == ["matcher", "listener"], "a custom matcher still runs, for its listener only"


def test_only_requests_that_wait_on_nothing_are_acked_at_once() -> None:
    """The server dispatches a request on its event loop only when nothing in it can wait:
    handed off, and authorized without a lookup (not by a custom authorize or OAuth installs,
    nor by a token that auth.test has not checked yet)."""
    handed = ack_first_app(handoff=lambda request: None)  # a custom authorize: it might wait
    assert not handed.acks_at_once(command())
    unchecked = AckFirstApp(
        listener_executor=ThreadPoolExecutor(2),
        work_slots=1,
        handoff=lambda request: None,
        token="xoxb-test",
        token_verification_enabled=False,  # auth.test would be called on the first request
        request_verification_enabled=False,
    )
    assert not unchecked.acks_at_once(command())
    assert not ack_first_app().acks_at_once(command()), "no work processes: its work follows"
