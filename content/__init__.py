"""The question bank: immutable question objects loaded and validated from TOML files."""

from content.loader import ContentError, load_bank
from content.model import Bank, Difficulty, KeyPoint, Misconception, Question, Section, Side, Topic

__all__ = [
    "Bank",
    "ContentError",
    "Difficulty",
    "KeyPoint",
    "Misconception",
    "Question",
    "Section",
    "Side",
    "Topic",
    "load_bank",
]
