"""Who is talking, and where: the value every part of the conversation is handed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Learner:
    """Who is talking, and where."""

    user_id: int
    chat_id: int
    name: str = ""
    group: bool = False
    admin: bool = False
