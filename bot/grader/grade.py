"""Grade a free-text answer against a question's key points and misconceptions.

Each claim is judged inside one clause of the answer: a key point is earned where a clause
states it; a key point about one side of a comparison is earned only when the clause speaks of
that side: said of the other side alone, it earns nothing and, when the answer never states
it of the right side, is a swapped claim; a misconception is flagged only
where a clause asserts it (not negated, not asked, not reported as a myth, not qualified by a
build or version that makes it true).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.grader import thresholds as t
from bot.grader.matcher import Match, Phrase, Reading, Vocabulary, capped, clause_matches
from bot.grader.refusal import NoAnswer, refusal
from bot.grader.text import SCOPE_BREAKS, STATEMENT_JOINS, Word, stem
from content import KeyPoint, Misconception, Question, Side

# Stretches of an answer in which a list of terms may stand: up to a sentence end, ; : an
# arrow or a new line.
LIST_SEGMENT = re.compile(r"(?:(?!->|=>|→)[^.;:\n])+")
# A negated item of a comma list is a claim, not a term ("they are not checked at runtime,
# python ignores them, mypy checks them").
NEGATED_ITEM = re.compile(r"\b(not|never)\b")
# Words that report a claim instead of making it: "a common myth is that ...".
REPORTING = frozenset(
    stem(word)
    for word in """myth myths misconception misconceptions mistake mistaken wrong false
    incorrect untrue misleading misunderstanding contrary belief believe believes people
    myth folklore""".split()
)
# ... and those that report a denial: "False" is mostly the value ("prints False").
DENIAL_REPORTING = REPORTING - {stem("false")}
# "I believe ..." is the candidate's own claim, not one reported.
FIRST_PERSON = re.compile(r"\bi $")
# Words that make a claim absolute: a misconception that says one is flagged only where the
# answer says it too ("sys.path[0] is always the cwd" is not "with -m, sys.path[0] is the cwd").
QUANTIFIERS = frozenset(stem(word) for word in "always only every each".split())
# Words that make a general claim true in one setting: "on the free-threaded build",
# "in benchmarks", "before 3.7", "with one argument".
QUALIFIERS = frozenset(
    stem(word)
    for word in """freethreaded benchmark benchmarks older before prior legacy until
    sometimes""".split()
)
# ... and words that do so only when counted: "with one argument", "with no arguments" (a
# clause that merely mentions arguments qualifies nothing).
COUNTED_QUALIFIERS = frozenset({stem("argument")})
COUNTS = frozenset(stem(word) for word in "zero one two three single".split())
# Phrases in which an answer admits it does not know part of what was asked (in normal form:
# "don't" is "do not"; "don't know about X" opening a sentence leaves out its "I"). "no idea"
# and "never heard" are left out: they are mostly said of a thing ("a naive datetime has no
# idea which zone it is in", "mypy has never heard of it").
ADMITS_A_GAP = re.compile(
    r"(?:^|(?<=[.!?\n] ))do not know\b|"
    r"\b(not (really |quite |too |totally |entirely |100% )?(sure|certain)|i do not know|"
    r"do not remember|can not remember|never used|not familiar|no clue|"
    r"have not (used|tried|worked with|touched|modified|played with|dealt with))\b"
)
# "I think it also ...": the candidate doubts the claim that follows ("I think of it as" opens
# an analogy).
HEDGE = re.compile(r"\b(i think(?! of)|i believe|i guess|if i remember|iirc|i suppose)\b")
AND = re.compile(r"\band\b")
# Calling what the question sets apart the same ("apart from that it's basically the same as
# def", "no real difference from constants"): the candidate waves away the difference asked
# about.
SAME_TALK = re.compile(
    r"\b(basically|essentially|pretty much|really|just|kind of|more or less) "
    r"(the same|identical|equivalent)\b|\bno (real )?difference\b"
)
# A word that starts the next statement: a negation past it judges that one, not the claim
# before ("ctypes holds the GIL, and it raises TypeError instead of crashing").
NEXT_STATEMENT = re.compile(rf"\b({'|'.join((*STATEMENT_JOINS, 'because', 'since'))})\b")
SENTENCE_END = re.compile(r"[.;!?](?=\s|$)|\n")
# Phrases that talk about a topic instead of saying anything about it: "it's all about the
# references and the nesting, in terms of mutability", "the singleton-ness of it".
VAGUE_TALK = re.compile(
    r"\b(all about|in terms of|in general|overall|\w+-ness|paradigm|plays? a role|"
    r"comes? together|goes? together|depends on the use case|and so on|kind of way|"
    r"is the thing)\b|\band the \w+ and the\b"
)
# Words that give each thing its own, and words that make things share one: a claim with one
# kind is not asserted by a clause with only the other.
APART = frozenset("each own separate every per different".split())
TOGETHER = frozenset("one single same shared".split())
PLAIN_WORD = re.compile(r"[a-z]+")
# Marks that end a denial's reach inside a clause (a colon after a label, "else: runs when
# ...", keeps the claim together).
DENIAL_BREAKS = frozenset(",()[]")
# A "without" after a denial undoes it: "not thread-safe without a lock" says a lock is needed.
UNDOING_ABSENCE = re.compile(r"\bwithout\b")


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
    # The words with which the answer says it is unsure, when that kept it from a pass.
    unsure: str = ""
    # The words that call the things compared the same, when that kept it from a pass.
    same: str = ""

    @property
    def missed(self) -> tuple[PointResult, ...]:
        return tuple(p for p in self.points if p.coverage is Coverage.MISSED)


@dataclass(frozen=True, slots=True)
class _Mention:
    """A side of the comparison named in an answer."""

    side: int
    start: int
    end: int
    clause: int


@dataclass(frozen=True, slots=True)
class _Point:
    """A key point compiled: its phrasings and, for a side's property, which side it is."""

    point: KeyPoint
    phrases: tuple[Phrase, ...]
    subject: int | None
    skip: frozenset[str]
    exclusive: bool = False
    # Phrasings that name another side ("f-strings are always evaluated" for the point about
    # %s arguments): not bound to the subject.
    foreign: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Claim:
    """A misconception compiled: its phrasings and, for a side's property, which side."""

    phrases: tuple[Phrase, ...]
    subject: int | None
    # Per phrasing, the stems of the dotted name it opens with ("re.match"), if any.
    names: tuple[tuple[str, ...], ...]


class PreparedQuestion:
    """A question compiled for grading; build once, grade many answers."""

    def __init__(
        self,
        key_points: tuple[KeyPoint, ...],
        misconceptions: tuple[Misconception, ...] = (),
        prompt: str = "",
        rarity: Mapping[str, float] | None = None,
        sides: tuple[Side, ...] = (),
    ) -> None:
        self.key_points = key_points
        self.misconceptions = misconceptions
        self.prompt = prompt
        self.sides = sides
        texts = [p for point in key_points for p in point.phrasings]
        texts += [p for wrong in misconceptions for p in wrong.phrasings]
        texts += [name for side in sides for name in side.names]
        self.vocabulary = Vocabulary(texts)
        self.prompt_stems = frozenset(word.stem for word in self.vocabulary.words(prompt)[1])
        primary = {stem for side in sides for stem in self._stems(side.name)}
        claim_words = (
            frozenset(stem for point in key_points for stem in self._stems(point.text)) - primary
        )
        self._side_names = tuple(self._names(side, claim_words) for side in sides)
        self._points = tuple(self._point(point, rarity) for point in key_points)
        # The central points: denying one of them fails an answer.
        heaviest = max((point.weight for point in key_points), default=0.0)
        self._central = frozenset(point.text for point in key_points if point.weight == heaviest)
        self._wrong = tuple(self._claim(m, rarity) for m in misconceptions)

    @classmethod
    def of(cls, question: Question, rarity: Mapping[str, float] | None = None) -> PreparedQuestion:
        return cls(
            question.key_points,
            question.misconceptions,
            question.prompt,
            rarity,
            question.sides,
        )

    def _phrases(self, phrasings, rarity) -> tuple[Phrase, ...]:
        compiled = (self.vocabulary.phrase(p, self.prompt_stems, rarity) for p in phrasings)
        return tuple(phrase for phrase in compiled if phrase)

    def _claim(self, wrong: Misconception, rarity) -> _Claim:
        phrases = self._phrases(wrong.phrasings, rarity)
        names = tuple(self._opening_name(phrase.text) for phrase in phrases)
        return _Claim(phrases, self._subject_of(wrong.text, ""), names)

    def _opening_name(self, text: str) -> tuple[str, ...]:
        """The stems of the dotted name a claim opens with ("re.match ..."): () when none."""
        first = text.split(maxsplit=1)[0].strip(".,:;")
        stems = self._stems(first) if "." in first else ()
        return stems if len(stems) > 1 else ()

    def _skip(self, subject: int | None) -> frozenset[str]:
        if subject is None:
            return frozenset()
        return frozenset(stem for name in self._side_names[subject] for stem in name)

    def _names(self, side: Side, claim_words: frozenset[str]) -> tuple[tuple[str, ...], ...]:
        """The stems of a side's names. An alias that is also a word the key points say of a
        side ("initialiser" for __init__, when a point says "initialises") is left out: it
        would read that claim as a mention."""
        name, *aliases = (self._stems(text) for text in side.names)
        kept = [alias for alias in aliases if alias and not set(alias) & claim_words]
        return tuple(stems for stems in (name, *kept) if stems)

    def _stems(self, text: str) -> tuple[str, ...]:
        return tuple(word.stem for word in self.vocabulary.words(text)[1])

    def _point(self, point: KeyPoint, rarity) -> _Point:
        phrases = self._phrases(point.phrasings, rarity)
        subject = self._subject_of(point.text, point.subject)
        if subject is None:
            return _Point(point, phrases, None, frozenset())
        skip = self._skip(subject)
        reading = self.vocabulary.read(point.text)
        mentions = self._mentions(reading)
        # Swapped claims are read only for points that open with their side ("__new__ creates
        # ..."): a point that contrasts sides ("X does A; Y does B") may be half-said of either,
        # and one that names its side late ("utcnow is deprecated: it returns a naive value")
        # is about something else.
        opening = reading.words[: t.SUBJECT_OPENING_WORDS]
        exclusive = {m.side for m in mentions} <= {subject} and any(
            m.start <= word.start for m in mentions for word in opening
        )
        foreign = frozenset(
            text
            for text in point.phrasings
            if {m.side for m in self._mentions(self.vocabulary.read(text))} - {subject}
        )
        return _Point(point, phrases, subject, skip, exclusive, foreign)

    def _subject_of(self, text: str, subject: str) -> int | None:
        """The side a claim is about: the one named as its subject, or the only side its
        text mentions."""
        if subject:
            return next(i for i, side in enumerate(self.sides) if side.name == subject)
        reading = self.vocabulary.read(text)
        named = {mention.side for mention in self._mentions(reading)}
        return named.pop() if len(named) == 1 else None

    def _mentions(self, reading: Reading) -> list[_Mention]:
        mentions = []
        words = reading.words
        for side, names in enumerate(self._side_names):
            for name in names:
                for position in reading.positions.get(name[0], ()):
                    run = words[position : position + len(name)]
                    if (
                        tuple(word.stem for word in run) == name
                        and len({word.clause for word in run}) == 1
                        and not run[0].negated
                    ):
                        mentions.append(_Mention(side, run[0].start, run[-1].end, run[0].clause))
        # "non-data descriptor" names one side, not also the "data descriptor" inside it.
        return [
            m
            for m in mentions
            if not any(
                o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                for o in mentions
            )
        ]

    def point_matches(self, reading: Reading) -> list[Match | None]:
        mentions = self._mentions(reading) if self.sides else []
        listed = _term_lists(reading).words
        return [
            self._best_point_match(point, reading, mentions, listed)[0] for point in self._points
        ]

    def grade(self, answer: str) -> Grade:
        return self.grade_reading(answer, self.vocabulary.read(answer))

    def grade_reading(self, answer: str, reading: Reading) -> Grade:
        refusal = self._refusal(answer, reading)
        if refusal:
            missed = tuple(
                PointResult(point, Coverage.MISSED, 0.0, "", "") for point in self.key_points
            )
            return Grade(0, Verdict.NO_ANSWER, missed, tip=tip(missed), no_answer=refusal)
        mentions = self._mentions(reading) if self.sides else []
        wrong_matches = []
        for wrong, claim in zip(self.misconceptions, self._wrong, strict=True):
            match = self._asserted(claim, reading, mentions)
            if match:
                wrong_matches.append((wrong, match))
        lists = _term_lists(reading)
        found_points = [
            self._best_point_match(p, reading, mentions, lists.words) for p in self._points
        ]
        wrong_words = {word.start for _, match in wrong_matches for word in match.words}
        point_matches = [_unless_wrong(match, wrong_words) for match, _ in found_points]
        results = tuple(
            _point_result(point.point, match)
            for point, match in zip(self._points, point_matches, strict=True)
        )
        wrong_matches += self._swaps(found_points, results, mentions)
        denied = list(self._denials(results, reading, mentions, wrong_words))
        wrong_matches += [(claim, match) for claim, match, _ in denied]
        found = tuple(
            MisconceptionFound(wrong, _evidence(reading, match)) for wrong, match in wrong_matches
        )
        score = score_of(results, len(found))
        if any(point.text in self._central for _, _, point in denied):
            # The central fact negated ("CPython does not use reference counting"): a fail.
            score = min(score, t.PARTIAL_FROM - 1)
        if len(lists.terms) >= t.SALAD_SHARE * len({word.start for word in reading.words}):
            # Mostly a list of terms: the answer names the topic's words, it states nothing. A
            # statement that opens or closes a list ("pickle serializes almost any object
            # (classes, sets, cycles, ...)") is not a term.
            score = min(score, t.PARTIAL_FROM - 1)
        if (
            len(VAGUE_TALK.findall(reading.text.normal)) >= t.VAGUE_TALK_FOR_SALAD
            or _longest_and_chain(reading.text.normal) >= t.AND_CHAIN_FOR_SALAD
        ):
            # Talk about the topic, not claims: keyword salad in sentences.
            score = min(score, t.PARTIAL_FROM - 1)
        unsure = _unsure(reading, point_matches)
        same = _calls_same(reading)
        if unsure or same:
            score = min(score, t.STRONG_FROM - 1)
        return Grade(score, verdict(score), results, found, tip(results), unsure=unsure, same=same)

    def _swaps(self, found_points, results, mentions: list[_Mention]):
        """Swapped claims: a point missed, said wholly in a clause that names one other side,
        when that clause does not state a point of that side (then it is about that side)."""
        stated = {
            (point.subject, match.clause)
            for point, (match, _), result in zip(self._points, found_points, results, strict=True)
            if match and result.coverage is not Coverage.MISSED and point.subject is not None
        }
        for point, (_, swapped), result in zip(self._points, found_points, results, strict=True):
            if not swapped or not point.exclusive or result.coverage is not Coverage.MISSED:
                continue
            side = next(m.side for m in mentions if m.clause == swapped.clause)
            if (side, swapped.clause) in stated:
                continue
            claim = Misconception(
                text=f"Says of {self.sides[side].name} what holds for "
                f"{self.sides[point.subject].name}",
                alternatives=(),
                correction=point.point.text,
            )
            yield claim, swapped

    def _denials(self, results, reading: Reading, mentions: list[_Mention], wrong_words):
        """Key points the answer denies: a clause that states all of a point's phrasing with
        a negation over its claim ("a context manager can not suppress the exception"), when
        the answer earns that point nowhere: the key fact negated is a wrong claim. Yields
        the claim, where it stands and the point denied."""
        for point, result in zip(self._points, results, strict=True):
            if result.coverage is not Coverage.MISSED:
                continue
            denial = self._denial(point, reading, mentions, wrong_words)
            if denial:
                claim = Misconception(
                    text=f"Denies that {point.point.text[:1].lower()}{point.point.text[1:]}",
                    alternatives=(),
                    correction=point.point.text,
                )
                yield claim, denial, point.point

    def _denial(
        self, point: _Point, reading: Reading, mentions: list[_Mention], wrong_words
    ) -> Match | None:
        for phrase in point.phrases:
            if len(phrase.stems) < t.DENIED_WORDS:
                continue
            for match in clause_matches(phrase, reading, polarity=False, floor=t.DENIED_COVERAGE):
                if match.coverage < t.DENIED_COVERAGE or _places(phrase, match) < t.DENIED_WORDS:
                    continue
                if not _denies(phrase, match, reading) or _spans_scopes(match, reading, phrase):
                    continue
                if any(word.start in wrong_words for word in match.words):
                    continue
                if (
                    point.subject is not None
                    and phrase.text not in point.foreign
                    and _governing(match, mentions) not in (point.subject, None)
                ):
                    continue
                if self._stated(match, reading):
                    return match
        return None

    @staticmethod
    def _stated(match: Match, reading: Reading) -> bool:
        """A clause that is not a question, not reported and not qualified ("False" there is
        mostly the value)."""
        clause = match.clause
        if clause in reading.text.questions:
            return False
        own = set(match.phrase.stems)
        return not any(
            word.clause == clause
            and word.stem not in own
            and (word.stem in DENIAL_REPORTING or _qualifies(reading.words, index))
            for index, word in enumerate(reading.words)
        )

    def _best_point_match(
        self, point: _Point, reading: Reading, mentions: list[_Mention], listed: frozenset[int]
    ) -> tuple[Match | None, Match | None]:
        """The best clause stating the point (of its own side, for a side's property), and a
        clause that says it all of another side alone: a swapped claim."""
        best: Match | None = None
        swapped: Match | None = None
        for phrase in point.phrases:
            bound = point.subject is not None and phrase.text not in point.foreign
            # Only a phrasing that could beat the best so far, or say a swapped claim, is read.
            floor = best.coverage if best else 0.0
            if bound and swapped is None:
                floor = min(floor, t.SWAPPED_COVERAGE)
            for match in _both_ways(phrase, reading, point.skip, floor):
                needed = min(len(match.phrase.stems), t.MIN_WORDS_FOUND)
                if bound:
                    side = _governing(match, mentions)
                    if side == point.subject:
                        needed = 1
                    elif side is not None:
                        named = {m.side for m in mentions if m.clause == match.clause}
                        if (
                            named == {side}
                            and _named_before(match, mentions)
                            and match.coverage >= t.SWAPPED_COVERAGE
                            and len(match.words) >= t.SWAPPED_WORDS
                        ):
                            swapped = swapped or match
                        continue
                match = _listed(capped(match, needed), listed)
                if best is None or match.coverage > best.coverage:
                    best = match
        return best, swapped

    def _asserted(self, claim: _Claim, reading: Reading, mentions: list[_Mention]) -> Match | None:
        """A clause that asserts one of a misconception's phrasings, if any does; one about a
        side of the comparison must say it of that side."""
        for phrase, name in zip(claim.phrases, claim.names, strict=True):
            needed = min(len(phrase.stems), t.MIN_WORDS_FOUND)
            # A claim about a dotted name is not read from another dotted name: "re.match finds
            # it anywhere" is not said by "re.search finds the first match anywhere".
            named = _without_other_names(name, reading) if name else reading
            for match in clause_matches(phrase, named, floor=t.MISCONCEPTION_COVERAGE):
                if capped(match, needed).coverage < t.MISCONCEPTION_COVERAGE:
                    continue
                missing = len(phrase.stems) - len(match.words)
                if missing > (len(phrase.stems) - 1) // t.MISCONCEPTION_WORDS_PER_MISS:
                    continue
                said = {word.stem for word in match.words}
                if phrase.stems[0] not in said or not QUANTIFIERS & set(phrase.stems) <= said:
                    continue
                if claim.subject is not None and _governing(match, mentions) != claim.subject:
                    continue
                if phrase.negated_stems and _spans_scopes(match, reading, phrase):
                    # A denial holds only up to a comma: "don't test X, a str is Y" does not
                    # say "a str is not Y".
                    continue
                if self._asserts(phrase, match, reading):
                    return match
        return None

    @staticmethod
    def _asserts(phrase: Phrase, match: Match, reading: Reading) -> bool:
        clause = match.clause
        text = reading.text
        if clause in text.questions:
            return False
        if not phrase.negated and _negated_before(match, text):
            return False
        if _counts_otherwise(phrase, match, reading):
            return False
        own = set(phrase.stems)
        return not any(
            word.clause == clause
            and word.stem not in own
            and (
                (word.stem in REPORTING and not FIRST_PERSON.search(text.normal, 0, word.start))
                or _qualifies(reading.words, index)
            )
            for index, word in enumerate(reading.words)
        )

    def _refusal(self, answer: str, reading: Reading) -> NoAnswer | None:
        normal = reading.text.normal
        return refusal(
            answer, normal, reading.stems, self.prompt, self.prompt_stems, self.vocabulary.stems
        )


def _without_other_names(name: tuple[str, ...], reading: Reading) -> Reading:
    """The reading without the name's first part where it opens another dotted name ("re"
    of "re.search" for a claim about re.match)."""
    words, normal = reading.words, reading.text.normal
    kept = [
        position
        for position in reading.positions.get(name[0], ())
        if normal[words[position].end : words[position].end + 1] != "."
        or tuple(word.stem for word in words[position : position + len(name)]) == name
    ]
    return replace(reading, positions={**reading.positions, name[0]: kept})


def _counts_otherwise(phrase: Phrase, match: Match, reading: Reading) -> bool:
    """Whether the claim says each thing has its own ("each task gets its own thread") where
    the clause says they share one ("runs coroutines in one thread"), or the other way round."""
    said = set(PLAIN_WORD.findall(phrase.text.lower()))
    clause = [word for word in reading.words if word.clause == match.clause]
    answer = set(PLAIN_WORD.findall(reading.text.span(clause[0], clause[-1])))
    for these, those in ((APART, TOGETHER), (TOGETHER, APART)):
        if said & these and not said & those and answer & those and not answer & these:
            return True
    return False


def _listed(match: Match, listed: frozenset[int]) -> Match:
    """A point whose words all stand in a list of terms ("request, response, layers, the
    onion model") is named, not stated: at most LISTED_COVERAGE."""
    if not match.words or match.coverage <= t.LISTED_COVERAGE:
        return match
    if not all(word.start in listed for word in match.words):
        return match
    return Match(match.phrase, t.LISTED_COVERAGE, match.words, match.clause)


@dataclass(frozen=True, slots=True)
class _Lists:
    """Where an answer lists terms: the start offsets of every word in a run of LIST_RUN or
    more comma-separated items, most of them short (at most LIST_ITEM_WORDS content words),
    and of the words of those short items alone, the terms."""

    words: frozenset[int]
    terms: frozenset[int]


def _term_lists(reading: Reading) -> _Lists:
    starts = [word.start for word in reading.words]
    listed: set[int] = set()
    terms: set[int] = set()
    for segment in LIST_SEGMENT.finditer(reading.text.normal):
        items = []
        short = []
        offset = segment.start()
        for text in segment.group().split(","):
            low, high = bisect_left(starts, offset), bisect_left(starts, offset + len(text))
            items.append(starts[low:high])
            short.append(len(set(items[-1])) <= t.LIST_ITEM_WORDS and not NEGATED_ITEM.search(text))
            offset += len(text) + 1
        if len(items) >= t.LIST_RUN and sum(short) >= t.LIST_RUN and sum(short) * 2 > len(items):
            for item, is_short in zip(items, short, strict=True):
                listed.update(item)
                if is_short:
                    terms.update(item)
    return _Lists(frozenset(listed), frozenset(terms))


def _places(phrase: Phrase, match: Match) -> int:
    """How many words of the phrasing the match found: the two parts of one compound are one
    word ("timezone info" finds only "zoneinfo" of "the zoneinfo module")."""
    place = dict(zip(phrase.stems, phrase.places, strict=True))
    return len({place[word.stem] for word in match.words if word.stem in place})


def _denies(phrase: Phrase, match: Match, reading: Reading) -> bool:
    """Whether "not" or "never" denies the phrasing in the match's stretch of its clause.

    It stands right before one of the phrasing's words that follows another (what the claim
    is about), opens the clause ("they do not short-circuit") or opens the phrasing ("is never
    released during I/O" for "released during I/O"), and it governs DENIED_WORDS of the
    phrasing's words, DENIED_SHARE of its weight. So it denies the claim ("sort() does not
    sort in place"), not a word near it ("threads do not help for CPU-bound work, use
    processes"), a claim about something else ("sets do not keep insertion order") or one
    name ("now with timezone.utc" against "not timezone aware")."""
    first, last = match.words[0].start, match.words[-1].end
    if UNDOING_ABSENCE.search(reading.text.normal, first, last):
        return False
    wanted = dict(zip(phrase.stems, phrase.weights, strict=True))
    for negated_stem in phrase.negated_stems:
        wanted.pop(negated_stem, None)
    span = [
        word
        for word in reading.words
        if word.clause == match.clause and first <= word.start <= last and word.stem in wanted
    ]
    opening = next(word.start for word in reading.words if word.clause == match.clause)
    if not any(
        word.denied
        and (word.start > first or word.start == opening or word.stem == phrase.stems[0])
        for word in span
    ):
        return False
    negated = {word.stem: word.start for word in span if word.negated}
    return (
        len(set(negated.values())) >= t.DENIED_WORDS
        and sum(wanted[word] for word in negated) >= t.DENIED_SHARE * phrase.total
    )


def _negated_before(match: Match, text) -> bool:
    """Whether a negation stands in the match's clause before its last word: "the token is
    encrypted so nobody can read it" asserts that it is encrypted, "it is not true that the
    token is encrypted" does not, nor does "the reason is not quoting: X" deny X (a comma,
    colon or dash between them ends the negation's reach). A negation after the claim that
    judges it ("..., which is not true") counts wherever it stands."""
    if match.clause not in text.negated_clauses:
        return False
    first = match.words[0].start if match.words else 0
    last = match.words[-1].start if match.words else 0
    end = match.words[-1].end if match.words else 0
    return any(
        (judges and not (start > end and NEXT_STATEMENT.search(text.normal, end, start)))
        or (start < last and not SCOPE_BREAKS.intersection(text.normal[start:first]))
        for clause, start, judges in text.negations
        if clause == match.clause
    )


def _spans_scopes(match: Match, reading: Reading, phrase: Phrase) -> bool:
    """Whether the words found stand on both sides of a comma or a bracket that the phrasing
    itself does not have."""
    span = reading.text.span(match.words[0], match.words[-1])
    return bool(DENIAL_BREAKS.intersection(span)) and not DENIAL_BREAKS.intersection(phrase.text)


def _qualifies(words: tuple[Word, ...], index: int) -> bool:
    """Whether the word at index makes a general claim true in one setting."""
    word = words[index]
    if word.stem in COUNTED_QUALIFIERS:
        before = words[index - 1] if index else None
        counted = before is not None and before.clause == word.clause and before.stem in COUNTS
        return word.negated or counted
    return word.stem in QUALIFIERS or _is_version(word.text)


def _is_version(text: str) -> bool:
    """A Python version in a clause ("since 3.12", "before 3.7") makes it a dated claim."""
    return text[:2] in ("2.", "3.") and text.replace(".", "").isdigit()


def _both_ways(phrase: Phrase, reading: Reading, names: frozenset[str], floor: float):
    """A phrasing's clause matches with every word counted, and, when it names its subject,
    with the subject's names left to the side check (so "__init__ creates the instance" is
    read as the claim "creates the instance" said of __init__)."""
    yield from clause_matches(phrase, reading, floor=floor)
    if names & set(phrase.stems):
        yield from clause_matches(phrase, reading, names, floor=floor)


def _governing(match: Match, mentions: list[_Mention]) -> int | None:
    """The side a clause's claim is about: the nearest side named before the claim's first
    word that is not a side's name, or, when none is, the first named after it; None when the
    clause names no side."""
    claim = [
        word
        for word in match.words
        if not any(m.start <= word.start and word.end <= m.end for m in mentions)
    ] or list(match.words)
    first = claim[0].start
    in_clause = [m for m in mentions if m.clause == match.clause]
    before = [m for m in in_clause if m.end <= first]
    if before:
        return max(before, key=lambda m: m.end).side
    after = [m for m in in_clause if m.start >= first]
    return min(after, key=lambda m: m.start).side if after else None


def _named_before(match: Match, mentions: list[_Mention]) -> bool:
    """Whether the clause names a side before the claim: a side named only after it ("C
    extensions slow, lags behind CPython versions") may not be what the claim is about."""
    first = match.words[0].start
    return any(m.clause == match.clause and m.start <= first for m in mentions)


def _longest_and_chain(text: str) -> int:
    """The most "and"s in one sentence of the answer."""
    return max(len(AND.findall(sentence)) for sentence in SENTENCE_END.split(text))


def _unsure(reading: Reading, matches: list[Match | None]) -> str:
    """Where the answer says it is unsure, which keeps it from a pass: a gap it admits ("not
    sure what 3.11 added"), or an "I think ..." clause that earns no key point, a claim the
    candidate doubts and the question's points do not confirm."""
    text = reading.text
    gap = ADMITS_A_GAP.search(text.normal)
    if gap:
        return _sentence_from(text.normal, gap.start())
    credited = {m.clause for m in matches if m is not None and m.coverage >= t.PARTIAL_COVERAGE}
    for hedge in HEDGE.finditer(text.normal):
        clause = next((w.clause for w in text.words if w.start >= hedge.end()), None)
        if clause is not None and clause not in credited:
            return _sentence_from(text.normal, hedge.start())
    return ""


def _calls_same(reading: Reading) -> str:
    """Where the answer calls the things compared the same, which keeps it from a pass."""
    same = SAME_TALK.search(reading.text.normal)
    return _sentence_from(reading.text.normal, same.start()) if same else ""


def _sentence_from(text: str, offset: int) -> str:
    """The answer from `offset` to the end of its sentence."""
    end = SENTENCE_END.search(text, offset)
    return text[offset : end.start() if end else len(text)].strip()


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
    evidence = " … ".join(dict.fromkeys(word.text for word in match.words))
    return PointResult(point, coverage, match.coverage, evidence, match.phrase.text)


def _evidence(reading: Reading, match: Match) -> str:
    return reading.text.span(match.words[0], match.words[-1]) if match.words else ""


def _credit(coverage: Coverage) -> float:
    return {Coverage.HIT: 1.0, Coverage.PARTIAL: t.PARTIAL_CREDIT, Coverage.MISSED: 0.0}[coverage]


def score_of(results: tuple[PointResult, ...], wrong_claims: int) -> int:
    """The score: the weighted share of the key points earned, on the curve fitted to
    interviewers' bands, less a penalty per wrong claim; a wrong claim keeps a score out of
    the strong band, and WRONG_CLAIMS_TO_FAIL of them make it a fail."""
    total = sum(r.point.weight for r in results)
    if not total:
        return 0
    share = sum(r.point.weight * _credit(r.coverage) for r in results) / total
    score = 100 * share**t.SCORE_CURVE
    if wrong_claims:
        score = min(score - t.MISCONCEPTION_PENALTY * wrong_claims, t.STRONG_FROM - 1)
    if wrong_claims >= t.WRONG_CLAIMS_TO_FAIL:
        score = min(score, t.PARTIAL_FROM - 1)
    return max(0, round(score))


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
