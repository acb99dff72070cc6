"""Fuzzy lookups of what learners type: topic names, IANA time zones, and questions for
inline mode."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar
from zoneinfo import available_timezones

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from content import Question, Topic

# A typed name at least this close to a known one is taken as meant ("asynco" -> asyncio).
ACCEPT = 80
# Names at least this close are offered as "did you mean ...".
SUGGEST = 55
SUGGESTIONS = 3

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    match: T | None
    suggestions: tuple[T, ...] = ()


def find_topic(topics: Sequence[Topic], query: str) -> Found[Topic]:
    """The topic whose slug, name or alias best matches `query`."""
    names = {name.casefold(): topic for topic in topics for name in topic.names}
    return _find(names, query)


UTC_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?00)?$")
# What a zone name, a city or an offset is written with; a file path is refused before any
# lookup (zoneinfo would open it: "/etc/localtime" is the server's own zone).
ZONE_QUERY = re.compile(r"[\w +\-/:.']+")
PATH_LIKE = re.compile(r"^[/.~]|\.\.|//")
# Names the zone database lists that are no place: the server's own zone, tzdata's
# placeholder for "unknown" and the template for POSIX rules; and its alternative trees.
NOT_PLACES = frozenset({"localtime", "factory", "posixrules"})
OTHER_TREES = ("posix/", "right/")


def find_timezone(query: str) -> Found[str]:
    """The IANA zone meant by `query`: exact (any case), a fuzzy city or full name, or a
    whole-hour offset such as `UTC+3` (as the fixed zone Etc/GMT-3: POSIX flips the sign).
    Only zones of `available_timezones()` that are places are found; a path never is."""
    text = query.strip()
    if not ZONE_QUERY.fullmatch(text) or PATH_LIKE.search(text):
        return Found(None)
    offset = UTC_OFFSET.match(text.casefold())
    if offset:
        sign, hours = offset.groups()
        zone = f"Etc/GMT{'-' if sign == '+' else '+'}{int(hours)}"
        return Found(zone if zone in _zone_names().values() else None)
    return _find(_zone_names(), text.replace(" ", "_"))


def utc_offset_of(zone: str) -> str | None:
    """`UTC+3` for the fixed zone Etc/GMT-3 (POSIX signs are flipped), None for others."""
    hours = zone.removeprefix("Etc/GMT")
    if hours == zone or not hours:
        return None
    return f"UTC{'-' if hours[0] == '+' else '+'}{hours[1:]}"


@cache
def _zone_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if zone.casefold() in NOT_PLACES or zone.startswith(OTHER_TREES):
            continue
        names[zone.casefold()] = zone
        if not zone.startswith("Etc/"):  # "GMT+3" would mean UTC-3 there; offsets are parsed
            names.setdefault(zone.rsplit("/", 1)[-1].casefold(), zone)
    return names


def _find(names: dict[str, T], query: str) -> Found[T]:
    key = query.strip().casefold()
    if not key:
        return Found(None)
    if key in names:
        return Found(names[key])
    ranked = process.extract(
        key, list(names), scorer=fuzz.WRatio, processor=default_process, limit=10
    )
    suggestions: list[T] = []
    for name, score, _ in ranked:
        if score >= SUGGEST and names[name] not in suggestions:
            suggestions.append(names[name])
    best = ranked[0] if ranked else None
    if best and best[1] >= ACCEPT and fuzz.ratio(key, best[0], processor=default_process) >= ACCEPT:
        return Found(names[best[0]])
    return Found(None, tuple(suggestions[:SUGGESTIONS]))


# Inline mode: a question's prompt at least this close to the query (partial ratio) matches.
PROMPT_MATCH = 75


def find_questions(
    questions: Sequence[Question], topics: Sequence[Topic], query: str, limit: int
) -> list[Question]:
    """Questions for what someone types after the bot's name: by id, then by the topic the
    query names (or might name), then by words of the prompt; with no query, the first ones."""
    key = query.strip().casefold()
    if not key:
        return list(questions[:limit])
    found: list[Question] = [q for q in questions if q.id == key]
    topic = find_topic(topics, key)
    slugs = [t.slug for t in ((topic.match,) if topic.match else topic.suggestions)]
    for slug in slugs:
        found += [q for q in questions if slug in q.topics]
    scored = [(fuzz.partial_ratio(key, q.prompt, processor=default_process), q) for q in questions]
    found += [q for score, q in sorted(scored, key=lambda s: -s[0]) if score >= PROMPT_MATCH]
    unique: list[Question] = []
    for question in found:
        if question not in unique:
            unique.append(question)
    return unique[:limit]
