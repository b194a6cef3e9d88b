"""A person's progress in Slack: the App Home tab, and the self-ratings message after confirming.

The chart is an uploaded file shown by id (`slack_file`). Slack finishes processing an upload
shortly after files.completeUploadExternal returns; if it refuses the image meanwhile, the view
is tried once more after a pause, then shown without the image (its alt text as words).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError
from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from bot.slack.blocks import build_home_unavailable_view, build_home_view
from bot.slack.blocks.followup import ChartImage, build_ratings_message
from bot.slack.blocks.home import HomeProgress
from bot.slack.chart_uploads import ChartUploads
from bot.slack.conversation import Conversation

logger = logging.getLogger(__name__)

IMAGE_REFUSED = frozenset({"invalid_blocks", "invalid_arguments"})
PROCESSING_PAUSE_S = 2.0


class ProgressPublisher:
    """Builds and shows Home and the ratings message; the chart is uploaded once per set."""

    def __init__(
        self,
        service: ReflectionService,
        followup: FollowUpService,
        charts: ChartUploads,
        *,
        pause_s: float = PROCESSING_PAUSE_S,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.service = service
        self.followup = followup
        self.charts = charts
        self.pause_s = pause_s
        self._sleep = sleep

    def post_ratings(self, conversation: Conversation) -> None:
        """The chart of self-ratings, with what moved when there is an earlier reflection."""
        person = conversation.person
        try:
            image = self.charts.image_for(
                conversation.client, person, self.followup.completed_reflections(person)
            )
            if image is None:
                return
            comparison = self.followup.comparison(person)
            self._showing(
                image, lambda shown: conversation.post(build_ratings_message(shown, comparison))
            )
        except (CoachingError, SlackApiError, OSError):  # the chart is extra: log, carry on
            logger.exception("could not post the self-ratings chart")

    def publish_home(self, client: WebClient, person: Person) -> None:
        """Publish the person's Home tab; a failure is logged (nobody is waiting on a reply)."""
        conversation = Conversation(client, person)
        try:
            intro = self.service.introduction(person)
            last = self.service.last_summary(person)
            progress = self._progress(client, person) if last is not None else None
        except CoachingError as error:
            self._publish(conversation, build_home_unavailable_view(error.message))
            return

        def show(chart: ChartImage | None) -> None:
            shown = replace(progress, chart=chart) if progress is not None else None
            conversation.publish_home(build_home_view(intro, last, shown))

        try:
            if progress is not None and progress.chart is not None:
                self._showing(progress.chart, show)
            else:
                show(None)
        except SlackApiError:
            logger.exception("views.publish failed")

    def _progress(self, client: WebClient, person: Person) -> HomeProgress:
        reflections = self.followup.completed_reflections(person)
        return HomeProgress(
            view=self.followup.progress(person),
            chart=self.charts.image_for(client, person, reflections),
            comparison=self.followup.comparison(person),
        )

    def _showing(self, image: ChartImage, show: Callable[[ChartImage], Any]) -> None:
        """Show with the image; if Slack refuses it, once more after a pause, then without."""
        for attempt in range(2):
            try:
                show(image)
                return
            except SlackApiError as error:
                if image.file_id is None or error.response.get("error") not in IMAGE_REFUSED:
                    raise
                if attempt == 0:
                    self._sleep(self.pause_s)
        assert image.file_id is not None
        logger.warning("Slack refused the uploaded chart %s; showing its text", image.file_id)
        self.charts.forget(image.file_id)
        show(ChartImage(alt_text=image.alt_text))

    @staticmethod
    def _publish(conversation: Conversation, view: dict[str, Any]) -> None:
        try:
            conversation.publish_home(view)
        except SlackApiError:
            logger.exception("views.publish failed")
