"""The conversation engine's front (being split out of practice.py)."""

from bot.conversation.practice import Tutor

__all__ = ["Tutor"]
