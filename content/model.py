"""Immutable values that make up the question bank."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum


class Section(Enum):
    """The eight sections of the seed list, in order."""

    CORE = ("core", 1, "Core language & data structures")
    OOP = ("oop", 2, "Advanced OOP")
    CONCURRENCY = ("concurrency", 3, "Asyncio & concurrency")
    WEB = ("web", 4, "Backend & web")
    CODING = ("coding", 5, "Coding scenarios")
    TRIVIA = ("trivia", 6, "Edge cases & trivia")
    MEDIUM = ("medium", 7, "Medium level")
    ADVANCED = ("advanced", 8, "Advanced level")

    def __init__(self, slug: str, number: int, title: str) -> None:
        self.slug = slug
        self.number = number
        self.title = title

    @classmethod
    def from_slug(cls, slug: str) -> Section:
        for section in cls:
            if section.slug == slug:
                return section
        raise ValueError(slug)


class Difficulty(StrEnum):
    JUNIOR = "junior"
    MIDDLE = "middle"
    SENIOR = "senior"


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One thing a good answer must say, with the phrasings candidates use for it."""

    text: str
    alternatives: tuple[str, ...]
    weight: float = 1.0
    subject: str = ""

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.text, *self.alternatives)


@dataclass(frozen=True, slots=True)
class Misconception:
    """A common wrong claim the grader flags, with the correction shown to the learner, and
    correct statements near it (`counters`) that must never be flagged as it."""

    text: str
    alternatives: tuple[str, ...]
    correction: str
    counters: tuple[str, ...] = ()

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.text, *self.alternatives)


@dataclass(frozen=True, slots=True)
class Side:
    """One of the things a comparison question contrasts ("__new__" in "__new__ vs __init__"),
    with the other names candidates call it; key points about it name it as their subject."""

    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Topic:
    """A tag that `/topic` finds by its slug, its display name or any alias."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.slug, self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    seed: int
    section: Section
    difficulty: Difficulty
    topics: tuple[str, ...]
    prompt: str
    key_points: tuple[KeyPoint, ...]
    answer: str
    prompt_code: str = ""
    answer_code: str = ""
    misconceptions: tuple[Misconception, ...] = ()
    sides: tuple[Side, ...] = ()
    follow_up: str = ""
    link: str = ""
    python: str = "3.11"
    requires: tuple[str, ...] = ()

    @property
    def snippets(self) -> tuple[str, ...]:
        return tuple(code for code in (self.prompt_code, self.answer_code) if code)


@dataclass(frozen=True, slots=True)
class Bank:
    """All questions and topics, with lookups built once."""

    questions: tuple[Question, ...]
    topics: tuple[Topic, ...]
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def in_topic(self, slug: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if slug in q.topics)

    def in_section(self, section: Section) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section is section)

    def topic(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    @property
    def seeds(self) -> frozenset[int]:
        return frozenset(q.seed for q in self.questions)
