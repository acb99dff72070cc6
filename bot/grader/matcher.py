"""Phrase matching: find a phrasing's content words close together in an answer.

A question's phrasings are compiled once into a `Matcher`; each answer is read once into a
`Reading` (its words mapped onto the question's vocabulary, typos included), and every
phrasing is then located in it with a sliding window over word positions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.grader import thresholds as t
from bot.grader.text import Analysed, Word, analyse


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrasing compiled: its distinct stems with weights, and whether it is negated."""

    text: str
    stems: tuple[str, ...]
    weights: tuple[float, ...]
    negated: bool

    @property
    def total(self) -> float:
        return sum(self.weights)


@dataclass(frozen=True, slots=True)
class Match:
    """Where a phrase stands in an answer and how much of it was found."""

    phrase: Phrase
    coverage: float
    words: tuple[Word, ...]


NO_WORDS: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    """An answer read against one question's vocabulary."""

    text: Analysed
    stems: tuple[str, ...]
    positions: dict[str, list[int]]


def compile_phrase(
    text: str, prompt_stems: frozenset[str], rarity: Mapping[str, float] | None = None
) -> Phrase | None:
    """Compile a phrasing; None when it has no content words. A word weighs its `rarity`
    (1 when unknown), halved when the prompt already says it."""
    words = analyse(text).words
    weights: dict[str, float] = {}
    for word in words:
        weight = rarity.get(word.stem, 1.0) if rarity else 1.0
        weight *= t.PROMPT_WORD_WEIGHT if word.stem in prompt_stems else 1.0
        weights[word.stem] = max(weights.get(word.stem, 0.0), weight)
    if not weights:
        return None
    return Phrase(
        text=text,
        stems=tuple(weights),
        weights=tuple(weights.values()),
        negated=any(word.negated for word in words),
    )


class Matcher:
    """The vocabulary of a set of phrasings, for reading answers with typos."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        words = [word for phrase in phrases for word in analyse(phrase.text).words]
        self.stems = frozenset(word.stem for word in words)
        self._word_stem = {word.text: word.stem for word in words}
        self._words = [word for word in self._word_stem if len(word) >= t.TYPO_MIN_LENGTH]

    def read(self, answer: str) -> Reading:
        text = analyse(answer)
        mapped: dict[str, str] = {}
        stems = []
        positions: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(text.words):
            stem = mapped.get(word.text)
            if stem is None:
                stem = mapped[word.text] = self._map(word)
            stems.append(stem)
            positions[stem].append(index)
        return Reading(text, tuple(stems), positions)

    def _map(self, word: Word) -> str:
        """The question's stem for this word: itself, or the closest vocabulary word."""
        if word.stem in self.stems or len(word.text) < t.TYPO_MIN_LENGTH or not self._words:
            return word.stem
        long_word = len(word.text) >= t.TYPO_LONG_FROM
        cutoff = t.TYPO_RATIO_LONG if long_word else t.TYPO_RATIO_SHORT
        best = process.extractOne(word.text, self._words, scorer=fuzz.ratio, score_cutoff=cutoff)
        return self._word_stem[best[0]] if best else word.stem


def locate(phrase: Phrase, reading: Reading) -> Match:
    """The densest window of the answer holding the phrase's words, with matching polarity."""
    words = reading.text.words
    events: list[tuple[int, int]] = []
    for index, stem in enumerate(phrase.stems):
        for position in reading.positions.get(stem, ()):
            if phrase.negated or not words[position].negated:
                events.append((position, index))
    if not events:
        return Match(phrase, 0.0, NO_WORDS)
    events.sort()
    width = len(phrase.stems) + t.WINDOW_SLACK
    counts = [0] * len(phrase.stems)
    covered = 0.0
    best_weight, best_range = 0.0, (0, 0)
    left = 0
    for right, (position, index) in enumerate(events):
        if counts[index] == 0:
            covered += phrase.weights[index]
        counts[index] += 1
        while (
            position - events[left][0] >= width
            or words[events[left][0]].sentence != words[position].sentence
        ):
            gone = events[left][1]
            counts[gone] -= 1
            if counts[gone] == 0:
                covered -= phrase.weights[gone]
            left += 1
        if covered > best_weight + 1e-9:
            best_weight, best_range = covered, (left, right + 1)
    window = events[best_range[0] : best_range[1]]
    seen: set[int] = set()
    found = []
    for position, index in window:
        if index not in seen:
            seen.add(index)
            found.append(words[position])
    if phrase.negated and not any(word.negated for word in found):
        return Match(phrase, 0.0, NO_WORDS)
    found.sort(key=lambda word: word.start)
    coverage = best_weight / phrase.total
    if len(found) < min(len(phrase.stems), t.MIN_WORDS_FOUND):
        coverage = min(coverage, t.ONE_WORD_COVERAGE)
    return Match(phrase, coverage, tuple(found))


def best_match(phrases: Iterable[Phrase], reading: Reading) -> Match | None:
    """The phrasing with the highest coverage (the first on ties)."""
    best: Match | None = None
    for phrase in phrases:
        match = locate(phrase, reading)
        if best is None or match.coverage > best.coverage:
            best = match
    return best
