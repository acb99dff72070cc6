"""Phrase matching: find a phrasing's content words together in one clause of an answer.

A question's phrasings share one `Vocabulary`; each answer is read once into a `Reading` (its
words mapped onto that vocabulary: compounds split, typos corrected), and every phrasing is then
located clause by clause with a sliding window over word positions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from bot.grader import thresholds as t
from bot.grader.text import (
    STATEMENT_JOINS,
    Analysed,
    Word,
    analyse,
    concept_table,
    opposite_stems,
    stem,
)

# Prefixes that make a word its opposite ("unsupported"), never read as a typo of the word.
NEGATING_PREFIXES = ("un", "in", "im", "non", "dis")
# A comma and a join: the next statement starts ("..., and cpu-bound code ...").
NEW_STATEMENT = re.compile(rf",\s*({'|'.join(STATEMENT_JOINS)})\b")


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrasing compiled: its distinct stems with weights, the stems a negation governs,
    and the opposites of its stems (a clause that says the opposite does not state it)."""

    text: str
    stems: tuple[str, ...]
    weights: tuple[float, ...]
    negated_stems: frozenset[str] = frozenset()
    opposites: frozenset[str] = frozenset()
    # For each stem, where its word stands in the phrasing: the two parts of a compound
    # ("zoneinfo" -> "zone info") share one place.
    places: tuple[int, ...] = ()

    @property
    def negated(self) -> bool:
        return bool(self.negated_stems)

    @property
    def total(self) -> float:
        return sum(self.weights)


@dataclass(frozen=True, slots=True)
class Match:
    """Where a phrase stands in one clause of an answer and how much of it was found."""

    phrase: Phrase
    coverage: float
    words: tuple[Word, ...]
    clause: int = -1


NO_WORDS: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    """An answer read against one question's vocabulary."""

    text: Analysed
    words: tuple[Word, ...]
    positions: dict[str, list[int]]

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(word.stem for word in self.words)


class Vocabulary:
    """The words of a question's phrasings, for reading answers and phrasings alike: a compound
    of two vocabulary words is split ("ordereddict" -> "ordered dict"), and an unknown word is
    mapped to the closest vocabulary word when it is a typo of one."""

    def __init__(self, texts: Iterable[str]) -> None:
        words = [word for text in texts for word in analyse(text).words]
        self.stems = frozenset(word.stem for word in words)
        self._word_stem = {word.text: word.stem for word in words if word.text.isalpha()}
        self._words = [word for word in self._word_stem if len(word) >= t.TYPO_MIN_LENGTH]
        self._mapped: dict[str, tuple[str, ...]] = {}

    def words(self, text: str) -> tuple[Analysed, tuple[Word, ...]]:
        analysed = analyse(text)
        words: list[Word] = []
        for word in analysed.words:
            stems = self._mapped.get(word.text)
            if stems is None:
                stems = self._mapped[word.text] = self._map(word)
            words += [replace(word, stem=mapped) for mapped in stems] if stems else [word]
        return analysed, tuple(words)

    def read(self, answer: str) -> Reading:
        analysed, words = self.words(answer)
        positions: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(words):
            positions[word.stem].append(index)
        return Reading(analysed, words, positions)

    def phrase(
        self, text: str, prompt_stems: frozenset[str], rarity: Mapping[str, float] | None = None
    ) -> Phrase | None:
        """Compile a phrasing; None when it has no content words. A word weighs its `rarity`
        (1 when unknown), less when the prompt already says it."""
        _, words = self.words(text)
        weights: dict[str, float] = {}
        places: dict[str, int] = {}
        negated: set[str] = set()
        for word in words:
            places.setdefault(word.stem, word.start)
            if word.negated and word.stem not in weights:
                negated.add(word.stem)
            weight = rarity.get(word.stem, 1.0) if rarity else 1.0
            weight *= t.PROMPT_WORD_WEIGHT if word.stem in prompt_stems else 1.0
            weights[word.stem] = max(weights.get(word.stem, 0.0), weight)
        if not weights:
            return None
        opposites = frozenset(
            other
            for stem in weights
            for other in opposite_stems().get(stem, ())
            if other not in weights
        )
        return Phrase(
            text,
            tuple(weights),
            tuple(weights.values()),
            frozenset(negated),
            opposites,
            tuple(places[stem] for stem in weights),
        )

    def _map(self, word: Word) -> tuple[str, ...]:
        """The vocabulary stems for this word: a compound's two parts, the closest vocabulary
        word for a typo, or () to keep the word as it is."""
        split = self._split(word.text)
        if split:
            return split
        if word.stem in self.stems or len(word.text) < t.TYPO_MIN_LENGTH or not self._words:
            return ()
        long_word = len(word.text) >= t.TYPO_LONG_FROM
        cutoff = t.TYPO_RATIO_LONG if long_word else t.TYPO_RATIO_SHORT
        best = process.extractOne(word.text, self._words, scorer=fuzz.ratio, score_cutoff=cutoff)
        if not best or _negated_form(word.text, best[0]):
            return ()
        return (self._word_stem[best[0]],)

    def _split(self, text: str) -> tuple[str, ...]:
        if len(text) < 2 * t.COMPOUND_PART_LENGTH or not text.isalpha():
            return ()
        for cut in range(t.COMPOUND_PART_LENGTH, len(text) - t.COMPOUND_PART_LENGTH + 1):
            parts = (*_concept_stems(text[:cut]), *_concept_stems(text[cut:]))
            if all(part in self.stems for part in parts):
                return parts
        return ()


def _negated_form(text: str, word: str) -> bool:
    """Whether text is word with a negating prefix ("unsupported"): the opposite, not a typo."""
    return any(text == prefix + word for prefix in NEGATING_PREFIXES)


def _concept_stems(word: str) -> tuple[str, ...]:
    """A word's stems as the concept vocabulary reads it ("dict" is "dictionary")."""
    return concept_table().get((stem(word),), (stem(word),))


def clause_matches(
    phrase: Phrase,
    reading: Reading,
    skip: frozenset[str] = frozenset(),
    polarity: bool = True,
    floor: float = 0.0,
):
    """The densest window of each clause holding the phrase's words (but those in `skip`),
    with the phrase's polarity (or either, when `polarity` is False): one Match per clause
    that holds any of them; none when not even all the answer's words of the phrase together
    would reach coverage `floor`."""
    positions = reading.positions
    if positions.keys().isdisjoint(phrase.stems):
        return
    if floor and _upper_share(phrase, positions, skip) < floor:
        return
    words = reading.words
    by_clause: dict[int, list[tuple[int, int]]] = {}
    total = present = 0.0
    for index, wanted in enumerate(phrase.stems):
        if wanted in skip:
            continue
        weight = phrase.weights[index]
        total += weight
        negated = wanted in phrase.negated_stems
        held = False
        for position in positions.get(wanted, ()):
            word = words[position]
            if word.negated == negated or not polarity:
                by_clause.setdefault(word.clause, []).append((position, index))
                held = True
        present += weight if held else 0.0
    if not total or present / total < floor:
        return
    for clause, events in by_clause.items():
        found, weight = _densest(phrase, events, words)
        if phrase.opposites and _opposed(phrase, found, reading):
            continue
        yield Match(phrase, weight / total, found, clause)


def _upper_share(phrase: Phrase, positions: Mapping[str, list[int]], skip: frozenset[str]) -> float:
    """The share of the phrase's weight whose words the answer holds at all, whatever their
    polarity: a bound on what any clause can match, to skip hopeless phrases early."""
    total = present = 0.0
    for wanted, weight in zip(phrase.stems, phrase.weights, strict=True):
        if wanted in skip:
            continue
        total += weight
        if wanted in positions:
            present += weight
    return present / total if total else 0.0


def _opposed(phrase: Phrase, found: tuple[Word, ...], reading: Reading) -> bool:
    """Whether a word opposite to the phrase's stands among or next to the words found, and
    not past the start of the next statement ("io, and cpu-bound code" does not oppose "io")."""
    words = reading.words
    first, last = found[0].start, found[-1].end
    indexes = [i for i, word in enumerate(words) if first <= word.start < last]
    low = max(0, indexes[0] - t.OPPOSITE_REACH)
    high = min(len(words), indexes[-1] + t.OPPOSITE_REACH + 1)
    clause = found[0].clause
    normal = reading.text.normal

    def between(word: Word) -> str:
        if word.start < first:
            return normal[word.end : first]
        return normal[last : word.start] if word.start >= last else ""

    return any(
        word.stem in phrase.opposites
        and word.clause == clause
        and not NEW_STATEMENT.search(between(word))
        for word in words[low:high]
    )


def _densest(
    phrase: Phrase, events: list[tuple[int, int]], words
) -> tuple[tuple[Word, ...], float]:
    """The words of the window that holds the most phrase weight within WINDOW_SLACK, and
    that weight."""
    if len(events) == 1:
        position, index = events[0]
        return (words[position],), phrase.weights[index]
    events.sort()
    width = len(phrase.stems) + t.WINDOW_SLACK
    counts = [0] * len(phrase.stems)
    covered = best_weight = 0.0
    best_range = (0, 0)
    left = 0
    for right, (position, index) in enumerate(events):
        if counts[index] == 0:
            covered += phrase.weights[index]
        counts[index] += 1
        while position - events[left][0] >= width:
            gone = events[left][1]
            counts[gone] -= 1
            if counts[gone] == 0:
                covered -= phrase.weights[gone]
            left += 1
        if covered > best_weight + 1e-9:
            best_weight, best_range = covered, (left, right + 1)
    seen: set[int] = set()
    found = []
    # Of a word found twice in the window, the later one: the claim follows what it is about
    # ("re.match checks the whole string and re.search returns all matches").
    for position, index in reversed(events[best_range[0] : best_range[1]]):
        if index not in seen:
            seen.add(index)
            found.append(words[position])
    found.sort(key=lambda word: word.start)
    return tuple(found), best_weight


def capped(match: Match, words_needed: int) -> Match:
    """One word alone never stands for a phrasing of several."""
    if len(match.words) < words_needed and match.coverage > t.ONE_WORD_COVERAGE:
        return Match(match.phrase, t.ONE_WORD_COVERAGE, match.words, match.clause)
    return match
