"""The self-ratings chart as a Slack file: rendered and uploaded once per set of reflections.

The PNG is uploaded with files_upload_v2 (files.getUploadURLExternal, the upload, then
files.completeUploadExternal) without sharing it to a channel, so it does not turn up as a
message of its own; the bot shows it in image blocks (`slack_file` by id) in the DM and on the
Home tab. The file id is remembered per person and set of reflections (the chart's columns),
so opening Home again uploads nothing.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.charts import MAX_COLUMNS, render_ratings_chart, snapshots_from
from bot.coaching.framework import Framework
from bot.coaching.models import Person, Reflection
from bot.slack.blocks.followup import ChartImage
from bot.slack.blocks.text import cut

logger = logging.getLogger(__name__)

FILE_NAME = "self-ratings.png"
FILE_TITLE = "Your self-ratings"
FILE_ALT_TEXT = 1_000  # files.getUploadURLExternal refuses a longer alt_txt
REMEMBERED = 2_000  # uploaded charts kept in memory (a few dozen bytes each)

Key = tuple[str, str, tuple[str, ...]]


class ChartUploads:
    """Renders and uploads charts, remembering the file id of each; thread-safe."""

    def __init__(self, framework: Framework, labels: Mapping[int, str]) -> None:
        self.framework = framework
        self.labels = labels
        self._files: OrderedDict[Key, ChartImage] = OrderedDict()
        self._lock = threading.Lock()
        self._person_locks: dict[tuple[str, str], threading.Lock] = {}

    def image_for(
        self, client: WebClient, person: Person, reflections: Sequence[Reflection]
    ) -> ChartImage | None:
        """The chart of these completed reflections (None without any); uploaded if new."""
        if not reflections:
            return None
        key = _key(person, reflections)
        with self._person_lock(person):  # two Home openings at once upload one chart
            known = self._remembered(key)
            if known is not None:
                return known
            image = self._upload(client, reflections)
            if image.file_id is not None:
                self._remember(key, image)
            return image

    def forget(self, file_id: str) -> None:
        """Stop using an uploaded file (Slack would not show it)."""
        with self._lock:
            for key in [k for k, image in self._files.items() if image.file_id == file_id]:
                del self._files[key]

    def _upload(self, client: WebClient, reflections: Sequence[Reflection]) -> ChartImage:
        chart = render_ratings_chart(self.framework, snapshots_from(reflections), self.labels)
        try:
            uploaded = client.files_upload_v2(
                content=chart.png,
                filename=FILE_NAME,
                title=FILE_TITLE,
                alt_txt=cut(chart.alt_text, FILE_ALT_TEXT),
            )
            file_id = str(uploaded["file"]["id"])
        except (SlackApiError, SlackClientError, OSError, KeyError, TypeError):
            logger.exception("uploading the self-ratings chart failed; showing its text instead")
            return ChartImage(alt_text=chart.alt_text)
        return ChartImage(alt_text=chart.alt_text, file_id=file_id)

    def _remembered(self, key: Key) -> ChartImage | None:
        with self._lock:
            image = self._files.get(key)
            if image is not None:
                self._files.move_to_end(key)
            return image

    def _remember(self, key: Key, image: ChartImage) -> None:
        with self._lock:
            self._files[key] = image
            while len(self._files) > REMEMBERED:
                self._files.popitem(last=False)

    def _person_lock(self, person: Person) -> threading.Lock:
        with self._lock:
            return self._person_locks.setdefault(
                (person.workspace_id, person.user_id), threading.Lock()
            )


def _key(person: Person, reflections: Sequence[Reflection]) -> Key:
    """The person and the reflections the chart shows (its last MAX_COLUMNS)."""
    done = sorted(reflections, key=lambda r: r.completed_at or r.updated_at)
    return (person.workspace_id, person.user_id, tuple(r.id for r in done[-MAX_COLUMNS:]))
