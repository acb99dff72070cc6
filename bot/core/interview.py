"""Mock interviews, the pure part: reading `/interview` arguments, choosing the questions,
and the report card arithmetic (strengths, gaps, readiness)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from statistics import fmean

from bot.core.lookup import find_topic
from bot.grader.thresholds import STRONG_FROM
from content import Difficulty, Question, Section, Topic

MIN_QUESTIONS = 3
MAX_QUESTIONS = 10
DEFAULT_QUESTIONS = 5
# The grader's "strong answer" band (STRONG_FROM): a section averaging this is a strength, a
# question scoring less points at topics to practise, and an interview averaging this is passed.
# Averages from here to STRONG_FROM are "almost ready": a partly-there interview.
ALMOST_FROM = 50
# Ready with room to spare: the next level up is worth a try.
STRETCH_FROM = 85
MAX_GAPS = 5

LEVELS = (Difficulty.JUNIOR, Difficulty.MIDDLE, Difficulty.SENIOR)
LEVEL_WORDS: dict[str, Difficulty | None] = {
    "junior": Difficulty.JUNIOR,
    "middle": Difficulty.MIDDLE,
    "mid": Difficulty.MIDDLE,
    "senior": Difficulty.SENIOR,
    "any": None,
}
NUMBER = re.compile(r"[+-]?\d+")


class Trouble(Enum):
    """Why `/interview` arguments could not be read."""

    COUNT_OUT_OF_RANGE = "count out of range"
    TWO_COUNTS = "two counts"
    TWO_LEVELS = "two levels"
    UNKNOWN_TOPIC = "unknown topic"


@dataclass(frozen=True, slots=True)
class Request:
    """What the learner asked for: how many questions, at which level, on which topic."""

    count: int = DEFAULT_QUESTIONS
    difficulty: Difficulty | None = None
    topic: Topic | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    trouble: Trouble
    given: str  # the words that could not be read
    suggestions: tuple[Topic, ...] = ()


def read_request(args: str, topics: Sequence[Topic]) -> Request | Problem:
    """`8`, `senior`, `asyncio` or any mix (`6 senior`, `senior asyncio 4`); the words that
    are neither a number nor a level name a topic, matched loosely."""
    count: int | None = None
    levels: set[Difficulty | None] = set()
    words: list[str] = []
    for word in args.split():
        if NUMBER.fullmatch(word):
            if count is not None:
                return Problem(Trouble.TWO_COUNTS, word)
            count = int(word)
            if not MIN_QUESTIONS <= count <= MAX_QUESTIONS:
                return Problem(Trouble.COUNT_OUT_OF_RANGE, word)
        elif word.casefold() in LEVEL_WORDS:
            levels.add(LEVEL_WORDS[word.casefold()])
        else:
            words.append(word)
    if len(levels) > 1:
        return Problem(
            Trouble.TWO_LEVELS, " ".join(w for w in args.split() if w.casefold() in LEVEL_WORDS)
        )
    topic = None
    if words:
        query = " ".join(words)
        found = find_topic(topics, query)
        if found.match is None:
            return Problem(Trouble.UNKNOWN_TOPIC, query, found.suggestions)
        topic = found.match
    difficulty = next(iter(levels)) if levels else None
    return Request(count or DEFAULT_QUESTIONS, difficulty, topic)


def plan(pool: Sequence[Question], count: int, seen: Collection[str], seed: str) -> list[Question]:
    """Up to `count` questions of `pool`, mixed across sections: one from each section in
    turn (sections in an order fixed by `seed`), questions the learner has not seen before
    the others; then asked from junior to senior, as an interviewer warms up."""
    by_section: dict[Section, list[Question]] = {}
    for question in sorted(pool, key=lambda q: (q.id in seen, _mix(seed, q.id))):
        by_section.setdefault(question.section, []).append(question)
    sections = sorted(by_section, key=lambda s: _mix(seed, s.slug))
    picked: list[Question] = []
    while len(picked) < count and any(by_section.values()):
        for section in sections:
            if by_section[section] and len(picked) < count:
                picked.append(by_section[section].pop(0))
    return sorted(picked, key=lambda q: LEVELS.index(q.difficulty))


def _mix(seed: str, key: str) -> int:
    return zlib.crc32(f"{seed}:{key}".encode())


# --- the report card


class Verdict(Enum):
    READY = "ready"
    ALMOST = "almost ready"
    NOT_YET = "not ready yet"
    TOO_FEW = "too few answers"


@dataclass(frozen=True, slots=True)
class Result:
    """How one interview question went; a passed question scores 0."""

    question: Question
    score: int
    passed: bool = False
    followed_up: bool = False


@dataclass(frozen=True, slots=True)
class Strength:
    section: Section
    average: float
    topics: tuple[str, ...]  # slugs of the topics answered strongly in it


@dataclass(frozen=True, slots=True)
class Gap:
    topic: str  # slug
    score: int  # the lowest score on it


@dataclass(frozen=True, slots=True)
class Readiness:
    verdict: Verdict
    level: Difficulty
    suggested: Difficulty | None = None  # the level to try next, when another fits better


@dataclass(frozen=True, slots=True)
class ReportCard:
    results: tuple[Result, ...]
    planned: int
    average: float | None
    strengths: tuple[Strength, ...]
    gaps: tuple[Gap, ...]
    readiness: Readiness


def report_card(
    results: Sequence[Result], planned: int, difficulty: Difficulty | None
) -> ReportCard:
    """The report on the questions answered (or passed) of `planned`, at `difficulty` (None:
    the typical level of the questions asked)."""
    scores = [r.score for r in results]
    average = fmean(scores) if scores else None
    level = difficulty or typical_level(r.question.difficulty for r in results)
    return ReportCard(
        tuple(results),
        planned,
        average,
        strengths(results),
        gaps(results),
        readiness(average, level, enough=len(results) >= min(MIN_QUESTIONS, planned)),
    )


def typical_level(levels: Iterable[Difficulty]) -> Difficulty:
    """The lower median level (a mixed interview is judged at the level most of it had)."""
    ranks = sorted(LEVELS.index(level) for level in levels)
    return LEVELS[ranks[(len(ranks) - 1) // 2]] if ranks else Difficulty.MIDDLE


def strengths(results: Sequence[Result]) -> tuple[Strength, ...]:
    """Sections averaging STRONG_FROM or more, best first, with their strong topics."""
    found = []
    for section in dict.fromkeys(r.question.section for r in results):
        mine = [r for r in results if r.question.section is section]
        average = fmean(r.score for r in mine)
        if average >= STRONG_FROM:
            strong = [t for r in mine if r.score >= STRONG_FROM for t in r.question.topics]
            found.append(Strength(section, average, tuple(dict.fromkeys(strong))))
    return tuple(sorted(found, key=lambda s: -s.average))


def gaps(results: Sequence[Result]) -> tuple[Gap, ...]:
    """The topics of questions scored under STRONG_FROM, weakest first, at most MAX_GAPS."""
    lowest: dict[str, int] = {}
    for result in sorted(results, key=lambda r: r.score):
        if result.score < STRONG_FROM:
            for topic in result.question.topics:
                lowest.setdefault(topic, result.score)
    return tuple(Gap(topic, score) for topic, score in list(lowest.items())[:MAX_GAPS])


def readiness(average: float | None, level: Difficulty, enough: bool = True) -> Readiness:
    """Ready from STRONG_FROM (from STRETCH_FROM the next level up is suggested), almost from
    ALMOST_FROM, otherwise not yet (and the level below is suggested)."""
    if average is None or not enough:
        return Readiness(Verdict.TOO_FEW, level)
    rank = LEVELS.index(level)
    if average >= STRONG_FROM:
        up = LEVELS[rank + 1] if average >= STRETCH_FROM and rank + 1 < len(LEVELS) else None
        return Readiness(Verdict.READY, level, up)
    if average >= ALMOST_FROM:
        return Readiness(Verdict.ALMOST, level)
    return Readiness(Verdict.NOT_YET, level, LEVELS[rank - 1] if rank else None)
