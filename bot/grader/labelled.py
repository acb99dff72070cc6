"""The grader measured on hand-labelled answers: point-level precision, recall, F1, verdicts.

Each case names a bank question, an answer, the key points a person would credit, the
misconceptions it states and the verdict a person would give (files: tests/grader_cases/).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.grader import Coverage, Grader, Verdict
from content import Bank


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    kind: str
    answer: str
    covers: frozenset[int]
    misconceptions: frozenset[int]
    verdict: Verdict
    source: str


@dataclass
class Metrics:
    cases: int = 0
    questions: int = 0
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    verdicts_right: int = 0
    misconceptions_expected: int = 0
    misconceptions_found: int = 0
    misconceptions_false: int = 0
    confusion: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def verdict_accuracy(self) -> float:
        return self.verdicts_right / self.cases if self.cases else 0.0


def load_cases(directory: Path) -> list[Case]:
    cases = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as file:
            for raw in tomllib.load(file)["case"]:
                cases.append(
                    Case(
                        question=raw["question"],
                        kind=raw["kind"],
                        answer=raw["answer"],
                        covers=frozenset(raw["covers"]),
                        misconceptions=frozenset(raw.get("misconceptions", ())),
                        verdict=Verdict(raw["verdict"]),
                        source=path.name,
                    )
                )
    return cases


def measure(cases: list[Case], bank: Bank) -> Metrics:
    """Grade every case; a key point counts as credited when covered or partly covered."""
    grader = Grader(bank)
    metrics = Metrics(cases=len(cases), questions=len({c.question for c in cases}))
    for case in cases:
        question = bank.get(case.question)
        grade = grader.grade(question, case.answer)
        credited = {i for i, r in enumerate(grade.points) if r.coverage is not Coverage.MISSED}
        metrics.true_positive += len(credited & case.covers)
        metrics.false_positive += len(credited - case.covers)
        metrics.false_negative += len(case.covers - credited)
        metrics.verdicts_right += grade.verdict is case.verdict
        metrics.confusion[case.verdict, grade.verdict] += 1
        found = {
            question.misconceptions.index(f.misconception)
            for f in grade.misconceptions
            if f.misconception in question.misconceptions
        }
        metrics.misconceptions_expected += len(case.misconceptions)
        metrics.misconceptions_found += len(found & case.misconceptions)
        metrics.misconceptions_false += len(found - case.misconceptions)
        if credited != case.covers or grade.verdict is not case.verdict:
            metrics.misses.append(
                f"{case.source} {case.question} [{case.kind}] expected {sorted(case.covers)} "
                f"{case.verdict.value}, got {sorted(credited)} {grade.verdict.value} "
                f"({grade.score}): {case.answer[:70]!r}"
            )
    return metrics


def report(metrics: Metrics) -> str:
    lines = [
        f"cases={metrics.cases} questions={metrics.questions}",
        f"key points: precision={metrics.precision:.3f} recall={metrics.recall:.3f} "
        f"f1={metrics.f1:.3f}",
        f"verdict accuracy={metrics.verdict_accuracy:.3f}",
        f"misconceptions: {metrics.misconceptions_found}/{metrics.misconceptions_expected} "
        f"found, {metrics.misconceptions_false} flagged wrongly",
        "verdicts (expected -> graded):",
    ]
    for (expected, graded), count in sorted(metrics.confusion.items()):
        lines.append(f"  {expected.value:<9} -> {graded.value:<9} {count}")
    return "\n".join(lines)
