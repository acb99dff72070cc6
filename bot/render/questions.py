"""Questions, model answers and grades as the learner reads them, in either markup."""

from __future__ import annotations

from bot.grader import Coverage, Grade, Verdict
from bot.render.markup import Markup
from content import Question

VERDICT_LINE = {
    Verdict.STRONG: "Strong answer",
    Verdict.PARTIAL: "Partly there",
    Verdict.WEAK: "Not there yet",
    Verdict.NO_ANSWER: "No answer to grade",
}
MARK = {Coverage.HIT: "✅", Coverage.PARTIAL: "➖", Coverage.MISSED: "❌"}


def question_text(question: Question, m: Markup, heading: str = "") -> str:
    """The question as asked, with its section and difficulty."""
    lines = []
    if heading:
        lines.append(m.italic(heading))
    lines.append(m.bold(f"{question.section.title} · {question.difficulty.value}"))
    lines.append(m.escape(question.prompt))
    if question.prompt_code:
        lines.append(m.code_block(question.prompt_code))
    return "\n\n".join(lines)


def model_answer(question: Question, m: Markup) -> str:
    """The model answer folded, then its code (Telegram cannot nest code in a quote)."""
    parts = [f"{m.bold('Model answer')}\n{m.folded(m.escape(question.answer))}"]
    if question.answer_code:
        parts.append(m.code_block(question.answer_code))
    if question.link:
        parts.append(m.escape(f"Read more: {question.link}"))
    return "\n\n".join(parts)


def grade_text(grade: Grade, question: Question, m: Markup, hints: int = 0) -> str:
    """Score, each key point covered or missed, misconceptions, tip, then the model answer."""
    return "\n\n".join(grade_parts(grade, question, m, hints))


def grade_parts(grade: Grade, question: Question, m: Markup, hints: int = 0) -> tuple[str, str]:
    """The grade and the folded model answer, as two self-contained parts."""
    head = f"{VERDICT_LINE[grade.verdict]}: {grade.score}/100"
    lines = [m.bold(head)]
    if grade.no_answer:
        lines.append(m.escape(f"Your answer {grade.no_answer.value}; here is what to cover."))
    if hints:
        lines.append(m.italic(f"{hints} hint(s) used."))
    lines.append("")
    for result in grade.points:
        line = f"{MARK[result.coverage]} {m.escape(result.point.text)}"
        if result.evidence:
            line += f" {m.italic(f'({result.evidence}, {round(result.closeness * 100)}%)')}"
        lines.append(line)
    for found in grade.misconceptions:
        lines.append(f"⚠ {m.escape(found.misconception.text)}: {m.escape(found.evidence)}")
        lines.append(f"   {m.escape(found.misconception.correction)}")
    if grade.unsure:
        lines += ["", f"🤔 Not a full pass while you are unsure: {m.escape(grade.unsure)}"]
    if grade.same:
        lines += ["", f"🤔 Not a full pass while you call them the same: {m.escape(grade.same)}"]
    if grade.tip and not grade.no_answer:
        lines += ["", f"💡 Next time, mention: {m.escape(grade.tip)}"]
    return "\n".join(lines), model_answer(question, m)


def grade_dict(grade: Grade, question: Question) -> dict:
    """The grade as plain data, for `--json`."""
    return {
        "question": question.id,
        "score": grade.score,
        "verdict": grade.verdict.value,
        "no_answer": grade.no_answer.value if grade.no_answer else None,
        "points": [
            {
                "point": r.point.text,
                "coverage": r.coverage.value,
                "closeness": round(r.closeness, 3),
                "evidence": r.evidence,
                "matched_phrasing": r.phrasing,
            }
            for r in grade.points
        ],
        "misconceptions": [
            {
                "claim": f.misconception.text,
                "evidence": f.evidence,
                "correction": f.misconception.correction,
            }
            for f in grade.misconceptions
        ],
        "tip": grade.tip,
        "unsure": grade.unsure,
        "same": grade.same,
    }
