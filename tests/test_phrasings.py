"""Candidate phrasings from upheld disputes, and their TOML; a regraded card's replay."""

import tomllib
from datetime import UTC, datetime, timedelta

from bot.core.phrasings import Candidate, assign, candidates, clauses
from bot.core.review import replay, review
from bot.render.phrasings import candidates_toml

ANSWER = (
    "The GIL lets only one thread run Python bytecode at a time. A thread that sits waiting "
    'on a socket hands the lock over; C code "releases" it \\ too.'
)
IO = "The GIL is released during blocking I/O, so threads suit I/O-bound work"
ONE = "Only one thread executes Python bytecode at a time"


def test_clauses_split_at_sentences_and_semicolons():
    assert clauses(ANSWER)[:2] == [
        "The GIL lets only one thread run Python bytecode at a time",
        "A thread that sits waiting on a socket hands the lock over",
    ]


def test_a_clause_that_earned_a_point_is_not_offered_for_another():
    chosen = assign(ANSWER, [IO], evidence=["only one thread run python bytecode time"])
    assert chosen[IO] != "The GIL lets only one thread run Python bytecode at a time"


def test_each_clause_goes_to_one_point():
    chosen = assign("one thread at a time runs bytecode", [IO, ONE])
    assert list(chosen) == [ONE]


def test_toml_reads_back_in_the_banks_form_with_quotes_and_backslashes():
    found = [*candidates("gil", 7, ANSWER, [IO]), Candidate("gil", IO, 'say "hi" \\ ok', 8)]
    data = tomllib.loads(candidates_toml(found))
    [question] = data["question"]
    assert question["id"] == "gil"
    [point] = question["key_points"]
    assert point["text"] == IO and 'say "hi" \\ ok' in point["alternatives"]


def test_replay_matches_answering_in_order():
    start = datetime(2026, 5, 4, 12, tzinfo=UTC)
    answers = [(start, 40), (start + timedelta(days=2), 90)]
    step = review(review(None, "gil", 40, start), "gil", 90, start + timedelta(days=2))
    assert replay("gil", answers) == step
    assert replay("gil", []) is None
