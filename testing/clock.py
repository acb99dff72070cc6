"""A clock that tests move by hand, for the bot's `clock` argument."""

from __future__ import annotations

from datetime import datetime


class Clock:
    """Returns `moment`; a test sets it to move time on."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment
