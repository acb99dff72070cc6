"""Logging set-up: one format, quiet HTTP libraries, and no secret in any line."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<redacted>"
CHATTY_LOGGERS = ("httpx", "httpcore", "apscheduler")


class Redact(logging.Filter):
    """Replace every secret in a fully formatted record, tracebacks included."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        text = record.exc_text or ""
        for secret in self.secrets:
            message = message.replace(secret, REDACTED)
            text = text.replace(secret, REDACTED)
        record.msg, record.args, record.exc_text = message, None, text or None
        return True


def setup_logging(level: str, secrets: list[str]) -> None:
    """Log to stderr at `level`; HTTP clients at WARNING (httpx logs URLs with the token)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.getLevelNamesMapping().get(level, logging.INFO))
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
