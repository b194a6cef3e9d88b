"""The chart is extra: when Slack refuses the uploaded image, the message goes out without it."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.coaching.engine import ReflectionService
from bot.coaching.framework import Framework
from bot.coaching.models import Person
from bot.slack.chart_uploads import ChartUploads
from bot.slack.conversation import Conversation
from bot.slack.progress import ProgressPublisher
from tests.nudges.fixtures import confirm_leadership


class _Client:
    """Enough of a WebClient: uploads succeed; posts with an image are refused `refusals` times."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.posted: list[dict[str, Any]] = []
        self.uploads = 0

    def files_upload_v2(self, **_: Any) -> dict[str, Any]:
        self.uploads += 1
        return {"file": {"id": f"F{self.uploads}"}}

    def chat_postMessage(self, **message: Any) -> dict[str, Any]:  # noqa: N802
        if self.refusals and any(b["type"] == "image" for b in message["blocks"]):
            self.refusals -= 1
            raise SlackApiError("refused", _response({"ok": False, "error": "invalid_blocks"}))
        self.posted.append(message)
        return {"ok": True, "ts": "1.0"}


class _FollowUp:
    def __init__(self, coach: ReflectionService, person: Person) -> None:
        self.reflection = coach.repository.latest_completed_for(person)

    def completed_reflections(self, _: Person) -> list[Any]:
        return [self.reflection]

    def comparison(self, _: Person) -> None:
        return None


def _publisher(
    coach: ReflectionService, nurse: Person, framework: Framework, sleeps: list[float]
) -> tuple[ProgressPublisher, ChartUploads]:
    confirm_leadership(coach, nurse)
    charts = ChartUploads(framework, {})
    follow_up: Any = _FollowUp(coach, nurse)
    return ProgressPublisher(coach, follow_up, charts, pause_s=2.0, sleep=sleeps.append), charts


def test_an_image_slack_is_still_processing_is_tried_again_after_a_pause(
    coach: ReflectionService, nurse: Person, framework: Framework
) -> None:
    sleeps: list[float] = []
    publisher, _ = _publisher(coach, nurse, framework, sleeps)
    client = _Client(refusals=1)

    publisher.post_ratings(Conversation(client, nurse, channel="D1"))  # type: ignore[arg-type]

    (posted,) = client.posted
    assert sleeps == [2.0] and [b["type"] for b in posted["blocks"]].count("image") == 1


def test_an_image_slack_keeps_refusing_is_replaced_by_what_it_shows_and_uploaded_anew(
    coach: ReflectionService, nurse: Person, framework: Framework
) -> None:
    sleeps: list[float] = []
    publisher, charts = _publisher(coach, nurse, framework, sleeps)
    client = _Client(refusals=2)
    conversation = Conversation(client, nurse, channel="D1")  # type: ignore[arg-type]

    publisher.post_ratings(conversation)
    (posted,) = client.posted
    assert not [b for b in posted["blocks"] if b["type"] == "image"]
    assert "Self-ratings, latest" in posted["text"]

    publisher.post_ratings(conversation)
    assert client.uploads == 2, "the refused file is forgotten, so the next chart is new"


def _response(data: dict[str, Any]) -> SlackResponse:
    return SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data=data,
        headers={},
        status_code=200,
    )
