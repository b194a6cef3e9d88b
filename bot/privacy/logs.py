"""Log guards: library debug lines that can carry what a person wrote are hidden at the source.

At DEBUG, SQLAlchemy logs every result row (decrypted answers, goals, notes) and slack_sdk logs
each Web API request and response body (messages that quote the person). A filter on those
libraries' own loggers replaces such a record's text before any handler sees it, whatever the
levels are set to, so `LIF_LOG_LEVEL=DEBUG` stays safe. Installed once by the composition root.
"""

from __future__ import annotations

import logging

HIDDEN = "(hidden by LIF Coach: may hold personal data)"

# logger name -> the start of the messages it hides
GUARDED: dict[str, tuple[str, ...]] = {
    "sqlalchemy.engine.Engine": ("Row ",),
    "slack_sdk.web.base_client": ("Sending a request", "Received the following response"),
    "slack_sdk.web.internal_utils": ("Received the following response",),
}


class HidePersonalData(logging.Filter):
    """Keeps the record (so the event is still seen) but drops its text and arguments."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite a matching record in place; never drops one."""
        if isinstance(record.msg, str) and record.msg.startswith(self.prefixes):
            record.msg = f"{record.msg[:24].split(':')[0].strip()}... {HIDDEN}"
            record.args = None
        return True


def install_log_guards() -> None:
    """Attach the filters to the libraries' loggers; calling it again changes nothing."""
    for name, prefixes in GUARDED.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, HidePersonalData) for f in logger.filters):
            logger.addFilter(HidePersonalData(prefixes))
