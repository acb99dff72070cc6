"""Candidate phrasings written in the question bank's TOML form, for review before merging."""

from __future__ import annotations

import json
from collections.abc import Iterable

from bot.core.phrasings import Candidate

HEADER = """\
# Candidate alternative phrasings from upheld disputes (python -m bot disputes export).
# Review each one; copy the good ones into the key point's `alternatives` in
# content/questions/*.toml, then run `python -m bot content check` and `./run.sh test`.
"""


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for the characters used here)."""
    return json.dumps(text, ensure_ascii=False)


def candidates_toml(candidates: Iterable[Candidate]) -> str:
    """`[[question]]` tables with `[[question.key_points]]` whose `alternatives` are the
    candidates, grouped by question and key point in the order first seen."""
    grouped: dict[str, dict[str, list[Candidate]]] = {}
    for candidate in candidates:
        points = grouped.setdefault(candidate.question_id, {})
        points.setdefault(candidate.point, []).append(candidate)
    lines = [HEADER]
    for question_id, points in grouped.items():
        lines += ["[[question]]", f"id = {toml_string(question_id)}", ""]
        for point, found in points.items():
            lines += ["[[question.key_points]]", f"text = {toml_string(point)}", "alternatives = ["]
            seen = set()
            for candidate in found:
                if candidate.phrasing.casefold() in seen:
                    continue
                seen.add(candidate.phrasing.casefold())
                phrasing = toml_string(candidate.phrasing)
                lines.append(f"    {phrasing},  # upheld dispute {candidate.attempt_id}")
            lines += ["]", ""]
    return "\n".join(lines).rstrip() + "\n"
