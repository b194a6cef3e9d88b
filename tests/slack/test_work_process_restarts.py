"""A work process that cannot start is restarted after a growing wait, not in a tight loop."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.slack.work_processes import WorkProcesses, WorkProcessesDown

UNREACHABLE = "postgresql://nobody@127.0.0.1:9/none"  # refused at once: the process exits


def test_a_work_process_that_keeps_failing_to_start_is_restarted_ever_more_slowly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=UNREACHABLE)
    processes = WorkProcesses(settings, 1, slots=2)
    with caplog.at_level(logging.ERROR, logger="bot.slack.work_processes"):
        processes.start()
        try:
            deadline = time.monotonic() + 60
            while caplog.text.count("work process 0 stopped") < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            with pytest.raises(WorkProcessesDown):
                processes.check()  # /readyz fails meanwhile
        finally:
            processes.stop(timeout=5)

    waits = [
        record.getMessage().rsplit(" in ", 1)[1]
        for record in caplog.records
        if "work process 0 stopped" in record.getMessage()
    ]
    assert waits[:2] == ["1 s", "2 s"]  # doubling, up to a minute
