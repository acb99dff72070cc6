"""Sentences that more than one part of the conversation says, written once."""

from __future__ import annotations

from collections.abc import Iterable

from bot.grader import NoAnswer
from bot.render.markup import isolated

ANSWER_BY_REPLY = "Reply to this message with your answer."
ALREADY_GRADED = "Already graded: only your first answer to a question counts."


def came_before(what: str) -> str:
    """Why a message sent before `what` was asked does not answer it."""
    return f"That message came before {what}, so it does not answer it."


def unknown_topic(query: str) -> str:
    return f"I don't know the topic “{isolated(query.strip()[:50])}”."


def did_you_mean(names: Iterable[str]) -> str:
    return f"Did you mean: {', '.join(names)}?"


def not_graded(no_answer: NoAnswer) -> str:
    """Why an answer got no grade; the caller says what to do instead."""
    return f"Your message {no_answer.value}, so I did not grade it."
