"""Agreement between the grader and human scores, for `python -m bot grade-eval`."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.grader import Grader, ReferenceGrader
from bot.grader.tables import csv_rows
from content import Bank

COLUMNS = ("question_id", "question", "reference_answer", "student_answer", "score")


@dataclass(frozen=True, slots=True)
class Agreement:
    n: int
    pearson: float
    spearman: float
    mean_question_r: float
    mae: float
    per_question: dict[str, tuple[int, float]]


def evaluate(path: Path, bank: Bank) -> Agreement:
    """Grade every row of a human-graded CSV file and compare with the human score."""
    grader = Grader(bank)
    references: dict[tuple[str, str], ReferenceGrader] = {}
    ours: list[float] = []
    theirs: list[float] = []
    by_question: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for line, row in csv_rows(path, COLUMNS):
        question = bank.get(row["question_id"])
        if question is not None:
            score = grader.grade(question, row["student_answer"]).score
        else:
            key = (row["reference_answer"], row["question"])
            if key not in references:
                references[key] = ReferenceGrader(*key)
            score = references[key].grade(row["student_answer"]).score
        human = _score(row, line)
        ours.append(score / 100)
        theirs.append(human)
        by_question[row["question_id"]][0].append(score / 100)
        by_question[row["question_id"]][1].append(human)
    if len(ours) < 2:
        raise ValueError(f"{path}: need at least two graded rows")
    per_question = {
        qid: (len(a), _pearson(a, b)) for qid, (a, b) in by_question.items() if len(a) >= 3
    }
    rs = [r for _, r in per_question.values()]
    return Agreement(
        n=len(ours),
        pearson=_pearson(ours, theirs),
        spearman=_pearson(_ranks(ours), _ranks(theirs)),
        mean_question_r=statistics.fmean(rs) if rs else 0.0,
        mae=statistics.fmean(abs(a - b) for a, b in zip(ours, theirs, strict=True)),
        per_question=per_question,
    )


def _score(row: dict, line: int) -> float:
    """The human score of a row, 0..1; a clear error for one that is not."""
    try:
        score = float(row["score"])
    except ValueError:
        raise ValueError(f"line {line}: score {row['score']!r} is not a number") from None
    if not 0 <= score <= 1:
        raise ValueError(f"line {line}: score {score} is outside 0..1")
    return score


def _pearson(a: list[float], b: list[float]) -> float:
    """Pearson r; 0 when either side is constant (no linear relation to measure)."""
    try:
        return statistics.correlation(a, b)
    except statistics.StatisticsError:
        return 0.0


def _ranks(values: list[float]) -> list[float]:
    """Average ranks (ties share their mean rank), for Spearman's rho."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def report(agreement: Agreement, worst: int = 5) -> str:
    lines = [
        f"n={agreement.n}",
        f"spearman={agreement.spearman:.3f}",
        f"mean per-question r={agreement.mean_question_r:.3f} "
        f"({len(agreement.per_question)} questions)",
        f"mae={agreement.mae:.3f}",
    ]
    ranked = sorted(agreement.per_question.items(), key=lambda item: item[1][1])
    lines.append("lowest per-question r:")
    lines += [f"  {qid:<16} n={n:<4} r={r:.3f}" for qid, (n, r) in ranked[:worst]]
    lines.append(f"pearson={agreement.pearson:.3f}")
    return "\n".join(lines)
