"""Verdicts against people's bands, for `python -m bot grade-bands`.

A banded file holds answers to bank questions with the band a fair interviewer gave each one:
high (a pass), mid (partly right) or low (a fail): the grader's verdict bands, strong, partial
and weak (no answer counts as a fail). The grader's score is put in the same bands and the two
are compared.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.grader import Grader, Verdict
from bot.grader import thresholds as t
from bot.grader.grade import verdict
from bot.grader.tables import csv_rows
from content import Bank

COLUMNS = ("id", "band", "answer")


class Band(StrEnum):
    HIGH = "high"
    MID = "mid"
    LOW = "low"

    @classmethod
    def of(cls, score: int) -> Band:
        """The band of a grader score: the verdict's, with no answer counted as a fail."""
        return {Verdict.STRONG: cls.HIGH, Verdict.PARTIAL: cls.MID}.get(verdict(score), cls.LOW)


BAND_ORDER = (Band.HIGH, Band.MID, Band.LOW)


@dataclass(frozen=True, slots=True)
class Banded:
    """One answer with its question, its people's band and the grader's score."""

    id: str
    question: str
    band: Band
    answer: str
    score: int

    @property
    def agrees(self) -> bool:
        return Band.of(self.score) is self.band

    @property
    def distance(self) -> int:
        """How many points the score lies outside its band's range (0 when it agrees)."""
        low, high = {
            Band.HIGH: (t.STRONG_FROM, 100),
            Band.MID: (t.PARTIAL_FROM, t.STRONG_FROM - 1),
            Band.LOW: (0, t.PARTIAL_FROM - 1),
        }[self.band]
        return max(low - self.score, self.score - high, 0)


def question_of(answer_id: str) -> str:
    """The bank question an answer id names: `gil:3` -> `gil`."""
    return answer_id.partition(":")[0]


def read_banded(path: Path) -> list[tuple[str, Band, str]]:
    """The rows of a banded CSV file; a clear error naming the line for a bad one."""
    rows = []
    for line, row in csv_rows(path, COLUMNS):
        try:
            band = Band(row["band"].strip().lower())
        except ValueError:
            raise ValueError(f"line {line}: band {row['band']!r} is not high, mid or low") from None
        rows.append((row["id"].strip(), band, row["answer"]))
    return rows


def grade_banded(rows: list[tuple[str, Band, str]], bank: Bank) -> list[Banded]:
    grader = Grader(bank)
    graded = []
    for answer_id, band, answer in rows:
        question = bank.get(question_of(answer_id))
        if question is None:
            raise ValueError(f"{answer_id}: no bank question {question_of(answer_id)!r}")
        score = grader.grade(question, answer).score
        graded.append(Banded(answer_id, question.id, band, answer, score))
    return graded


@dataclass(frozen=True, slots=True)
class BandReport:
    graded: tuple[Banded, ...]

    @property
    def agreement(self) -> float:
        return sum(b.agrees for b in self.graded) / len(self.graded) if self.graded else 0.0

    def in_band(self, band: Band) -> tuple[Banded, ...]:
        return tuple(b for b in self.graded if b.band is band)

    def band_agreement(self, band: Band) -> float:
        mine = self.in_band(band)
        return sum(b.agrees for b in mine) / len(mine) if mine else 0.0

    @property
    def confusion(self) -> Counter:
        return Counter((b.band, Band.of(b.score)) for b in self.graded)

    @property
    def passing_scored_low(self) -> tuple[Banded, ...]:
        """Passing answers the grader calls a fail: the verdicts that drive learners away."""
        return tuple(b for b in self.in_band(Band.HIGH) if Band.of(b.score) is Band.LOW)

    @property
    def failing_scored_high(self) -> tuple[Banded, ...]:
        return tuple(b for b in self.in_band(Band.LOW) if Band.of(b.score) is Band.HIGH)

    def per_question(self) -> dict[str, float]:
        answers: dict[str, list[bool]] = {}
        for b in self.graded:
            answers.setdefault(b.question, []).append(b.agrees)
        return {qid: sum(agreed) / len(agreed) for qid, agreed in answers.items()}


def report(result: BandReport, worst: int = 10) -> str:
    lines = [f"n={len(result.graded)} questions={len(result.per_question())}"]
    lines.append("people \\ grader   " + "  ".join(f"{band:>5}" for band in BAND_ORDER))
    for band in BAND_ORDER:
        counts = "  ".join(f"{result.confusion[band, other]:>5}" for other in BAND_ORDER)
        lines.append(f"{band:<17} {counts}")
    for band in BAND_ORDER:
        lines.append(
            f"agreement {band:<5} {result.band_agreement(band):.2f} (n={len(result.in_band(band))})"
        )
    lines.append(f"passing answers under {t.PARTIAL_FROM}: {len(result.passing_scored_low)}")
    lines.append(f"failing answers at {t.STRONG_FROM}+: {len(result.failing_scored_high)}")
    ranked = sorted(result.per_question().items(), key=lambda item: item[1])
    lines.append("lowest per-question agreement:")
    lines += [f"  {qid:<28} {share:.2f}" for qid, share in ranked[:worst] if share < 1]
    lines.append("scored most wrongly:")
    for b in sorted(result.graded, key=lambda b: -b.distance)[:worst]:
        if b.distance:
            lines.append(f"  {b.id:<30} {b.band:<4} score {b.score:>3}: {_short(b.answer)}")
    lines.append(f"band_agreement={result.agreement:.2f}")
    return "\n".join(lines)


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
