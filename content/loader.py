"""Load the question bank from TOML files and validate every field.

Every problem is reported with the file, the question id and the field, and all problems
are collected before failing so a contributor sees them in one run.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from content.model import (
    Bank,
    Difficulty,
    KeyPoint,
    Misconception,
    Question,
    Section,
    Side,
    Topic,
)

CONTENT_DIR = Path(__file__).parent
SLUG = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
LINK_PREFIXES = ("https://docs.python.org/", "https://peps.python.org/")
KEY_POINTS_RANGE = (3, 6)
MISCONCEPTIONS_MAX = 8
SIDES_RANGE = (2, 6)
ANSWER_WORDS_RANGE = (50, 150)
WEIGHT_RANGE = (0.5, 3.0)
# A question (prompt and its code) and a model answer (text, code, link) each fit in one
# Telegram message of 4,096 characters with room for headings and markup.
MAX_PART_CHARACTERS = 3500
SEED_SECTIONS = {
    section: range(10 * (section.number - 1) + 1, 10 * section.number + 1) for section in Section
}
SEED_SECTIONS[Section.MEDIUM] = range(61, 81)
SEED_SECTIONS[Section.ADVANCED] = range(81, 101)
QUESTION_FIELDS = {
    "id",
    "seed",
    "section",
    "difficulty",
    "topics",
    "prompt",
    "prompt_code",
    "key_points",
    "misconceptions",
    "sides",
    "answer",
    "answer_code",
    "follow_up",
    "link",
    "python",
    "requires",
}
REQUIRED_FIELDS = ("id", "section", "difficulty", "topics", "prompt", "key_points", "answer")


class ContentError(Exception):
    """The bank failed validation; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: Path, question_id: str | None, field: str, problem: str) -> None:
        where = f"question '{question_id}'" if question_id else "file"
        self.items.append(f"{path.name}: {where}: field '{field}': {problem}")


def load_bank(directory: Path = CONTENT_DIR) -> Bank:
    """Read `topics.toml` and `questions/*.toml` under `directory`; raise ContentError."""
    problems = _Problems()
    files = [directory / "topics.toml", *sorted((directory / "questions").glob("*.toml"))]
    topics: dict[str, Topic] = {}
    questions: list[tuple[Path, Question]] = []
    for path in files:
        data = _read(path, problems)
        for key in data.keys() - {"topics", "question"}:
            problems.add(path, None, key, "unknown top-level table")
        for slug, raw in data.get("topics", {}).items():
            topic = _topic(path, slug, raw, problems)
            if topic and slug in topics:
                problems.add(path, None, f"topics.{slug}", "topic defined twice")
            elif topic:
                topics[slug] = topic
        for raw in data.get("question", []):
            question = _question(path, raw, problems)
            if question:
                questions.append((path, question))
    _check_topics(directory / "topics.toml", topics, problems)
    _check_bank(questions, topics, problems)
    if problems.items:
        raise ContentError(problems.items)
    ordered = sorted(
        (q for _, q in questions), key=lambda q: (q.section.number, q.seed or 1000, q.id)
    )
    return Bank(questions=tuple(ordered), topics=tuple(topics.values()))


def _read(path: Path, problems: _Problems) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        problems.add(path, None, "-", "file not found")
    except tomllib.TOMLDecodeError as error:
        problems.add(path, None, "-", f"not valid TOML: {error}")
    return {}


def _topic(path: Path, slug: str, raw: Any, problems: _Problems) -> Topic | None:
    field = f"topics.{slug}"
    if not SLUG.match(slug):
        problems.add(path, None, field, "slug must be lowercase letters, digits, - or _")
        return None
    if not isinstance(raw, dict) or not _text(raw.get("name")):
        problems.add(path, None, f"{field}.name", "missing or empty")
        return None
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(_text(a) for a in aliases):
        problems.add(path, None, f"{field}.aliases", "must be a list of non-empty strings")
        return None
    return Topic(slug=slug, name=raw["name"].strip(), aliases=tuple(a.strip() for a in aliases))


def _check_topics(path: Path, topics: dict[str, Topic], problems: _Problems) -> None:
    owner: dict[str, str] = {}
    for topic in topics.values():
        for name in {n.casefold() for n in topic.names}:
            if name in owner and owner[name] != topic.slug:
                problems.add(
                    path,
                    None,
                    f"topics.{topic.slug}.aliases",
                    f"duplicate alias '{name}' across topics (also in '{owner[name]}')",
                )
            owner.setdefault(name, topic.slug)


def _question(path: Path, raw: Any, problems: _Problems) -> Question | None:
    if not isinstance(raw, dict):
        problems.add(path, None, "question", "must be a table")
        return None
    qid = raw.get("id") if isinstance(raw.get("id"), str) else None
    before = len(problems.items)

    def bad(field: str, problem: str) -> None:
        problems.add(path, qid, field, problem)

    for field in sorted(raw.keys() - QUESTION_FIELDS):
        bad(field, "unknown field")
    for field in REQUIRED_FIELDS:
        if field not in raw:
            bad(field, "missing field")
    if problems.items[before:]:
        return None
    if not SLUG.match(qid or ""):
        bad("id", "must be a short slug of lowercase letters, digits, - or _")
    seed = raw.get("seed", 0)
    if not isinstance(seed, int) or not 0 <= seed <= 100:
        bad("seed", "must be a seed number 1..100 (or 0 for a question beyond the seed)")
        seed = 0
    try:
        section = Section.from_slug(raw["section"])
    except (ValueError, TypeError):
        bad("section", f"unknown section {raw['section']!r}; one of {[s.slug for s in Section]}")
        section = None
    if section and seed and seed not in SEED_SECTIONS[section]:
        bad("seed", f"seed {seed} does not belong to section '{section.slug}'")
    try:
        difficulty = Difficulty(raw["difficulty"])
    except ValueError:
        bad("difficulty", f"unknown difficulty {raw['difficulty']!r}")
        difficulty = None
    topics = raw["topics"]
    if not isinstance(topics, list) or not topics or not all(_text(t) for t in topics):
        bad("topics", "must be a non-empty list of topic slugs")
    for field in ("prompt", "answer"):
        if not _text(raw[field]):
            bad(field, "empty")
    for field in ("prompt_code", "answer_code", "follow_up", "link", "python"):
        if field in raw and not _text(raw[field]):
            bad(field, "empty (leave the field out instead)")
    if "python" in raw and not re.fullmatch(r"3\.\d{1,2}", str(raw["python"])):
        bad("python", "must be a version such as '3.12'")
    requires = raw.get("requires", [])
    if not isinstance(requires, list) or not all(_text(r) for r in requires):
        bad("requires", "must be a list of importable package names")
    link = raw.get("link", "")
    if link and not link.startswith(LINK_PREFIXES):
        bad("link", f"must start with one of {LINK_PREFIXES}")
    words = len(str(raw["answer"]).split())
    low, high = ANSWER_WORDS_RANGE
    if not low <= words <= high:
        bad("answer", f"model answer has {words} words; it must have {low}-{high}")
    for field, code in (("prompt", "prompt_code"), ("answer", "answer_code")):
        size = len(str(raw[field])) + len(str(raw.get(code, "")))
        if size > MAX_PART_CHARACTERS:
            bad(field, f"{field} and {code} have {size} characters; at most {MAX_PART_CHARACTERS}")
    sides = tuple(_sides(raw.get("sides", []), bad))
    key_points = tuple(_key_points(raw["key_points"], {s.name for s in sides}, bad))
    misconceptions = tuple(_misconceptions(raw.get("misconceptions", []), bad))
    if problems.items[before:] or section is None or difficulty is None:
        return None
    return Question(
        id=qid,
        seed=seed,
        section=section,
        difficulty=difficulty,
        topics=tuple(topics),
        prompt=raw["prompt"].strip(),
        prompt_code=raw.get("prompt_code", "").strip("\n"),
        key_points=key_points,
        misconceptions=misconceptions,
        sides=sides,
        answer=" ".join(raw["answer"].split()),
        answer_code=raw.get("answer_code", "").strip("\n"),
        follow_up=raw.get("follow_up", "").strip(),
        link=link,
        python=raw.get("python", "3.11"),
        requires=tuple(requires),
    )


def _sides(raw: Any, bad) -> Iterator[Side]:
    low, high = SIDES_RANGE
    if not isinstance(raw, list) or (raw and not low <= len(raw) <= high):
        bad("sides", f"must be a list of {low}-{high} sides (or left out)")
        return
    for index, item in enumerate(raw):
        field = f"sides[{index}]"
        if not isinstance(item, dict):
            bad(field, "must be a table")
            continue
        for extra in sorted(item.keys() - {"name", "aliases"}):
            bad(f"{field}.{extra}", "unknown field")
        aliases = item.get("aliases", [])
        if not _text(item.get("name")):
            bad(f"{field}.name", "needs a non-empty name")
        elif not isinstance(aliases, list) or not all(_text(a) for a in aliases):
            bad(f"{field}.aliases", "must be a list of non-empty strings")
        else:
            yield Side(item["name"].strip(), tuple(a.strip() for a in aliases))


def _key_points(raw: Any, sides: set[str], bad) -> Iterator[KeyPoint]:
    low, high = KEY_POINTS_RANGE
    if not isinstance(raw, list) or not low <= len(raw) <= high:
        bad("key_points", f"must be a list of {low}-{high} key points")
        return
    for index, point in enumerate(raw):
        field = f"key_points[{index}]"
        if not isinstance(point, dict):
            bad(field, "must be a table")
            continue
        for extra in sorted(point.keys() - {"text", "alternatives", "weight", "subject"}):
            bad(f"{field}.{extra}", "unknown field")
        subject = point.get("subject", "")
        if subject and subject not in sides:
            bad(f"{field}.subject", f"must name one of the question's sides {sorted(sides)}")
            continue
        text = point.get("text")
        if not _text(text):
            bad(f"{field}.text", "empty key point")
            continue
        alternatives = point.get("alternatives", [])
        if not isinstance(alternatives, list) or not alternatives:
            bad(f"{field}.alternatives", "needs at least one alternative phrasing")
            continue
        if not all(_text(a) for a in alternatives):
            bad(f"{field}.alternatives", "alternative phrasings must be non-empty strings")
            continue
        weight = point.get("weight", 1)
        if not isinstance(weight, int | float) or not WEIGHT_RANGE[0] <= weight <= WEIGHT_RANGE[1]:
            bad(f"{field}.weight", f"must be a number in {WEIGHT_RANGE}")
            continue
        yield KeyPoint(
            text=text.strip(),
            alternatives=tuple(a.strip() for a in alternatives),
            weight=float(weight),
            subject=subject,
        )


def _misconceptions(raw: Any, bad) -> Iterator[Misconception]:
    if not isinstance(raw, list) or len(raw) > MISCONCEPTIONS_MAX:
        bad("misconceptions", f"must be a list of at most {MISCONCEPTIONS_MAX}")
        return
    for index, item in enumerate(raw):
        field = f"misconceptions[{index}]"
        if not isinstance(item, dict):
            bad(field, "must be a table")
            continue
        for extra in sorted(item.keys() - {"text", "alternatives", "correction", "counters"}):
            bad(f"{field}.{extra}", "unknown field")
        alternatives = item.get("alternatives", [])
        counters = item.get("counters", [])
        if not _text(item.get("text")) or not _text(item.get("correction")):
            bad(field, "needs a non-empty text and correction")
        elif not isinstance(alternatives, list) or not all(_text(a) for a in alternatives):
            bad(f"{field}.alternatives", "must be a list of non-empty strings")
        elif not isinstance(counters, list) or not all(_text(c) for c in counters):
            bad(f"{field}.counters", "must be a list of correct statements")
        else:
            yield Misconception(
                text=item["text"].strip(),
                alternatives=tuple(a.strip() for a in alternatives),
                correction=item["correction"].strip(),
                counters=tuple(c.strip() for c in counters),
            )


def _check_bank(
    questions: list[tuple[Path, Question]], topics: dict[str, Topic], problems: _Problems
) -> None:
    seen_ids: set[str] = set()
    seen_seeds: dict[int, str] = {}
    seen_prompts: dict[str, str] = {}
    for path, question in questions:
        if question.id in seen_ids:
            problems.add(path, question.id, "id", "duplicate id")
        seen_ids.add(question.id)
        if question.seed and question.seed in seen_seeds:
            other = seen_seeds[question.seed]
            problems.add(path, question.id, "seed", f"seed {question.seed} also used by '{other}'")
        seen_seeds.setdefault(question.seed, question.id)
        prompt = " ".join(question.prompt.casefold().split())
        if prompt in seen_prompts:
            problems.add(path, question.id, "prompt", f"same prompt as '{seen_prompts[prompt]}'")
        seen_prompts.setdefault(prompt, question.id)
        for slug in question.topics:
            if slug not in topics:
                problems.add(path, question.id, "topics", f"unknown topic '{slug}'")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
