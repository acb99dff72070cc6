"""Grade a free-text answer against a question's key points and misconceptions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.grader import thresholds as t
from bot.grader.matcher import Match, Matcher, Phrase, Reading, best_match, compile_phrase
from bot.grader.refusal import NoAnswer, refusal
from bot.grader.text import analyse
from content import KeyPoint, Misconception, Question


class Verdict(StrEnum):
    STRONG = "strong"
    PARTIAL = "partial"
    WEAK = "weak"
    NO_ANSWER = "no answer"


class Coverage(StrEnum):
    HIT = "covered"
    PARTIAL = "partly covered"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class PointResult:
    point: KeyPoint
    coverage: Coverage
    closeness: float
    evidence: str
    phrasing: str


@dataclass(frozen=True, slots=True)
class MisconceptionFound:
    misconception: Misconception
    evidence: str


@dataclass(frozen=True, slots=True)
class Grade:
    score: int
    verdict: Verdict
    points: tuple[PointResult, ...]
    misconceptions: tuple[MisconceptionFound, ...] = ()
    tip: str = ""
    no_answer: NoAnswer | None = None

    @property
    def missed(self) -> tuple[PointResult, ...]:
        return tuple(p for p in self.points if p.coverage is Coverage.MISSED)


@dataclass(frozen=True, slots=True)
class _Target:
    phrases: tuple[Phrase, ...]


class PreparedQuestion:
    """A question compiled for grading; build once, grade many answers."""

    def __init__(
        self,
        key_points: tuple[KeyPoint, ...],
        misconceptions: tuple[Misconception, ...] = (),
        prompt: str = "",
        rarity: Mapping[str, float] | None = None,
    ) -> None:
        self.rarity = rarity
        self.key_points = key_points
        self.misconceptions = misconceptions
        self.prompt = prompt
        self.prompt_stems = frozenset(word.stem for word in analyse(prompt).words)
        self._points = tuple(self._target(p.phrasings) for p in key_points)
        self._wrong = tuple(self._target(m.phrasings) for m in misconceptions)
        every = [ph for target in (*self._points, *self._wrong) for ph in target.phrases]
        self.matcher = Matcher(every)

    @classmethod
    def of(cls, question: Question, rarity: Mapping[str, float] | None = None) -> PreparedQuestion:
        return cls(question.key_points, question.misconceptions, question.prompt, rarity)

    def _target(self, phrasings: tuple[str, ...]) -> _Target:
        compiled = (compile_phrase(text, self.prompt_stems, self.rarity) for text in phrasings)
        return _Target(tuple(phrase for phrase in compiled if phrase))

    def point_matches(self, reading: Reading) -> list[Match | None]:
        return [best_match(target.phrases, reading) for target in self._points]

    def grade(self, answer: str) -> Grade:
        return self.grade_reading(answer, self.matcher.read(answer))

    def grade_reading(self, answer: str, reading: Reading) -> Grade:
        refusal = self._refusal(answer, reading)
        if refusal:
            missed = tuple(
                PointResult(point, Coverage.MISSED, 0.0, "", "") for point in self.key_points
            )
            return Grade(0, Verdict.NO_ANSWER, missed, tip=tip(missed), no_answer=refusal)
        wrong_matches = [
            (wrong, match)
            for wrong, target in zip(self.misconceptions, self._wrong, strict=True)
            if (match := best_match(target.phrases, reading))
            and match.coverage >= t.MISCONCEPTION_COVERAGE
        ]
        wrong_words = {word.start for _, match in wrong_matches for word in match.words}
        results = tuple(
            _point_result(point, _unless_wrong(match, wrong_words))
            for point, match in zip(self.key_points, self.point_matches(reading), strict=True)
        )
        found = tuple(
            MisconceptionFound(wrong, _evidence(reading, match)) for wrong, match in wrong_matches
        )
        score = self._score(results)
        score = max(0, score - t.MISCONCEPTION_PENALTY * len(found))
        return Grade(score, verdict(score), results, found, tip(results))

    def _score(self, results: tuple[PointResult, ...]) -> int:
        total = sum(r.point.weight for r in results)
        earned = sum(r.point.weight * _credit(r.coverage) for r in results)
        return round(100 * earned / total) if total else 0

    def _refusal(self, answer: str, reading: Reading) -> NoAnswer | None:
        normal = reading.text.normal
        return refusal(
            answer, normal, reading.stems, self.prompt, self.prompt_stems, self.matcher.stems
        )


def _unless_wrong(match: Match | None, wrong_words: set[int]) -> Match | None:
    """Words that state a misconception cannot also earn a key point."""
    if match is None or not match.words or not wrong_words:
        return match
    shared = sum(word.start in wrong_words for word in match.words)
    return None if shared * 2 >= len(match.words) else match


def _point_result(point: KeyPoint, match: Match | None) -> PointResult:
    if match is None or match.coverage < t.PARTIAL_COVERAGE:
        closeness = match.coverage if match else 0.0
        return PointResult(point, Coverage.MISSED, closeness, "", "")
    coverage = Coverage.HIT if match.coverage >= t.HIT_COVERAGE else Coverage.PARTIAL
    evidence = " … ".join(word.text for word in match.words)
    return PointResult(point, coverage, match.coverage, evidence, match.phrase.text)


def _evidence(reading: Reading, match: Match) -> str:
    return reading.text.span(match.words[0], match.words[-1]) if match.words else ""


def _credit(coverage: Coverage) -> float:
    return {Coverage.HIT: 1.0, Coverage.PARTIAL: t.PARTIAL_CREDIT, Coverage.MISSED: 0.0}[coverage]


def verdict(score: int) -> Verdict:
    if score >= t.STRONG_FROM:
        return Verdict.STRONG
    return Verdict.PARTIAL if score >= t.PARTIAL_FROM else Verdict.WEAK


def tip(results: tuple[PointResult, ...]) -> str:
    """The most important point not fully covered, to study next."""
    open_points = [r for r in results if r.coverage is not Coverage.HIT]
    if not open_points:
        return ""
    weakest = max(open_points, key=lambda r: (r.point.weight, -r.closeness))
    return weakest.point.text
