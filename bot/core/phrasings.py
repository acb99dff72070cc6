"""Candidate phrasings from upheld disputes: for each key point an upheld answer was not
credited for, the clause of the answer that says it most nearly, among the clauses that
earned no other key point (each clause offered for one point only), to review as an
alternative phrasing of that key point. Likeness is lexical, so a paraphrase may land on the
wrong point: candidates are for a person to review, never merged as they are."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

# A clause ends at a sentence end, a semicolon, a comma before "so/but/while", or a new line.
CLAUSE_END = re.compile(r"(?<=[.!?;])\s+|\n+|,\s+(?=(?:so|but|while|whereas|because)\b)")
MAX_WORDS = 25  # a longer clause is cut to its words nearest the key point's
MIN_WORDS = 2
EVIDENCE_SHARE = 0.6
MIN_SIMILARITY = 40  # token set ratio below which a clause is not offered for a point


@dataclass(frozen=True, slots=True)
class Candidate:
    question_id: str
    point: str  # the key point's text, as in the bank
    phrasing: str  # the learner's wording
    attempt_id: int


def clauses(answer: str) -> list[str]:
    found = []
    for piece in CLAUSE_END.split(answer):
        clause = " ".join(piece.split()).strip(" .;,!?")
        if len(clause.split()) >= MIN_WORDS:
            found.append(clause)
    return found


def _earned(clause: str, evidence: Iterable[str]) -> bool:
    """Whether the clause is where a credited key point was found: it holds most of the words
    of that point's evidence."""
    words = set(utils.default_process(clause).split())
    for found in evidence:
        needed = set(utils.default_process(found).split())
        if needed and len(needed & words) >= EVIDENCE_SHARE * len(needed):
            return True
    return False


def _similarity(clause: str, point: str) -> float:
    return fuzz.token_set_ratio(clause, point, processor=utils.default_process)


def assign(answer: str, points: Iterable[str], evidence: Iterable[str] = ()) -> dict[str, str]:
    """Each uncredited point's clause: the clauses that earned no other point (`evidence`:
    what the credited points were found by), matched one to one with the points, the most
    alike pairs first (rapidfuzz token set ratio). A point left without a clause is absent."""
    evidence = tuple(evidence)
    options = [c for c in clauses(answer) if not _earned(c, evidence)]
    pairs = sorted(
        ((_similarity(c, p), -len(c), p, c) for p in points for c in options), reverse=True
    )
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for similarity, _, point, clause in pairs:
        if similarity < MIN_SIMILARITY:
            break
        if point not in chosen and clause not in used:
            chosen[point] = " ".join(clause.split()[:MAX_WORDS])
            used.add(clause)
    return chosen


def candidates(
    question_id: str,
    attempt_id: int,
    answer: str,
    points: Iterable[str],
    evidence: Iterable[str] = (),
) -> list[Candidate]:
    """One candidate per uncredited key point of an upheld answer, when a clause is left."""
    points = tuple(points)
    chosen = assign(answer, points, evidence)
    return [Candidate(question_id, p, chosen[p], attempt_id) for p in points if p in chosen]
