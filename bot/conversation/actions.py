"""Every button the bot shows, and the one parser of the data a pressed button sends back.

A button's data comes back from Telegram untrusted: from an old message, after a restart, or
forged. `parse` reads it into an `Action`; anything it cannot read is `Kind.STALE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.conversation.reply import Button

TOPIC_PREFIX = "topic:"
DISPUTE_PREFIX = "dispute:"
UPHOLD_PREFIX = "uphold:"
MAX_ID_DIGITS = 18  # SQLite integers are 64-bit


class Kind(Enum):
    """What a button asks for; a button without an argument sends its kind's value."""

    QUIZ = "quiz"
    TOPICS = "topics"
    DAILY = "daily"
    FORGET_YES = "forget:yes"
    FORGET_NO = "forget:no"
    TOPIC = "topic"  # a question on `Action.topic`
    DISPUTE = "dispute"  # the grade of `Action.attempt_id` is disputed
    UPHOLD = "uphold"  # an operator upholds the dispute of `Action.attempt_id`
    STALE = "stale"  # data no button of this bot sends


@dataclass(frozen=True, slots=True)
class Action:
    kind: Kind
    topic: str = ""  # Kind.TOPIC: the topic's slug, not yet checked against the bank
    attempt_id: int | None = None  # DISPUTE, UPHOLD: None when the number is unreadable


QUIZ = Button("Quiz me", Kind.QUIZ.value)
NEXT = Button("Next question", Kind.QUIZ.value)
REVIEW_NOW = Button("Review now", Kind.QUIZ.value)
TOPICS = Button("Topics", Kind.TOPICS.value)
DAILY = Button("Daily question", Kind.DAILY.value)
FORGET_YES = Button("Yes, delete everything", Kind.FORGET_YES.value)
FORGET_NO = Button("No, keep it", Kind.FORGET_NO.value)
MENU = ((QUIZ, TOPICS, DAILY),)

_PLAIN = {k.value: k for k in (Kind.QUIZ, Kind.TOPICS, Kind.DAILY, Kind.FORGET_YES, Kind.FORGET_NO)}


def topic_button(label: str, slug: str) -> Button:
    return Button(label, TOPIC_PREFIX + slug)


def dispute_button(attempt_id: int, label: str = "I think I was right") -> Button:
    return Button(label, f"{DISPUTE_PREFIX}{attempt_id}")


def uphold_button(attempt_id: int) -> Button:
    return Button(f"Uphold #{attempt_id}", f"{UPHOLD_PREFIX}{attempt_id}")


def parse(data: str) -> Action:
    """What a pressed button asks for."""
    if data in _PLAIN:
        return Action(_PLAIN[data])
    for prefix, kind in ((DISPUTE_PREFIX, Kind.DISPUTE), (UPHOLD_PREFIX, Kind.UPHOLD)):
        if data.startswith(prefix):
            number = data.removeprefix(prefix)
            readable = number.isascii() and number.isdigit() and len(number) <= MAX_ID_DIGITS
            return Action(kind, attempt_id=int(number) if readable else None)
    if data.startswith(TOPIC_PREFIX):
        return Action(Kind.TOPIC, topic=data.removeprefix(TOPIC_PREFIX))
    return Action(Kind.STALE)
