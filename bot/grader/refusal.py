"""Answers that are not answers: empty, "I don't know", the question pasted back, one keyword
said over and over. They get no score and a friendly word instead of a grade."""

from __future__ import annotations

import re
from enum import StrEnum

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.grader import thresholds as t
from bot.grader.text import stem

# Said anywhere in a short answer, these mean "I don't know".
UNKNOWN_PHRASE = re.compile(
    r"\b(idk|dunno|no idea|no clue|not sure|do not know|have not heard|never heard|"
    r"forgot|can not remember|do not remember|never used|not familiar)\b"
)
# Arrows, operators and brackets: an answer written in notation ("const -> nonconst") may
# repeat its few words and still say something.
NOTATION = re.compile(r"->|=>|[=<>()\[\]{}*+]")
# These mean it only when they are the whole answer ("pass by reference" is an answer).
PASS_ALONE = re.compile(r"^\W*(i\s+)?(pass|skip|next)(\s+(please|sorry))?\W*$")
# Words that carry no knowledge about any question.
FILLER = frozenset(
    stem(word)
    for word in """think guess maybe probably perhaps sure tbh honestly really um uh hmm
    ok okay well yeah yes yep nope sorry idk know basically actually mean kind thing things
    stuff something someone somewhere anything lol question answer remember forgot tell
    say dunno idea clue skip pass heard familiar forget""".split()
)


class NoAnswer(StrEnum):
    """Why an answer was not graded."""

    EMPTY = "empty"
    UNKNOWN = "says it does not know"
    NO_WORDS = "has no words to grade"
    REPEATED = "repeats one word"
    ECHO = "repeats the question"


def refusal(
    answer: str,
    normal: str,
    stems: tuple[str, ...],
    prompt: str,
    prompt_stems: frozenset[str],
    vocabulary: frozenset[str],
) -> NoAnswer | None:
    """Why `answer` (normalised to `normal`, with content stems `stems`) is no answer, if it is.

    `vocabulary` holds the stems of what a good answer says: an answer that adds even one of
    them to the prompt's words is graded, however short."""
    if not answer.strip():
        return NoAnswer.EMPTY
    if not any(character.isalnum() for character in answer):
        return NoAnswer.NO_WORDS
    distinct = set(stems)
    own = distinct - prompt_stems - FILLER
    if PASS_ALONE.match(normal):
        return NoAnswer.UNKNOWN
    if UNKNOWN_PHRASE.search(normal) and len(own) < t.MIN_DISTINCT_WORDS:
        return NoAnswer.UNKNOWN
    if len(distinct) == 1 and len(stems) >= t.MIN_DISTINCT_WORDS:
        return NoAnswer.REPEATED
    if (
        len(distinct) <= t.SPAM_DISTINCT_WORDS
        and len(stems) >= t.SPAM_MIN_WORDS
        and not NOTATION.search(answer)
    ):
        return NoAnswer.REPEATED
    if prompt and len(own) <= t.ECHO_MAX_OWN_WORDS and not own & vocabulary:
        reused = len(distinct & prompt_stems) / len(prompt_stems) if prompt_stems else 0.0
        similarity = fuzz.partial_ratio(normal, prompt, processor=default_process)
        if similarity >= t.ECHO_SIMILARITY or reused >= t.ECHO_PROMPT_SHARE:
            return NoAnswer.ECHO
    return None
