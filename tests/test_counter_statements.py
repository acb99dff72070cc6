"""Correct statements are never called wrong: every misconception of the bank carries correct
counter-statements near it, and the grader must not flag them."""
# ruff: noqa: E501 (the review's sentences are kept whole, one per line)

import pytest

from bot.grader import Grader
from content import load_bank

BANK = load_bank()
GRADER = Grader(BANK)
# Correct sentences from the independent content review that an earlier grader flagged as a
# misconception; each is a counter-statement in the bank.
REVIEW_STATEMENTS = [
    tuple(line.split(" | "))
    for line in """
metaclasses | type returns the class of an object with one argument and creates a class with three
memory-management | a cyclic garbage collector runs periodically and frees reference cycles
init-vs-new | __init__ is always invoked afterwards when __new__ returns an instance of cls
mro | super() calls the next class in the MRO; in single inheritance that is simply the base class method
method-overloading | If you define the method twice with different parameters, only the last survives
enum-basics | a plain Enum member is not equal to its value, but an IntEnum member equals its value
protocol-classes | A Protocol is satisfied by any class with matching methods
duck-vs-static-typing | A Protocol is satisfied by any class with matching methods
threads-processes-asyncio | with the GIL they effectively only use a single core for Python code
uvloop | uvloop makes asyncio 2-4x faster in benchmarks, but real apps gain less
mutable-default-args | bucket=None ... so every call starts with an empty list
python-bytecode | cached bytecode makes program startup faster, not execution
functools-module | a function that takes a list can't be cached
string-formatting | t-strings return a Template object, not a string
datetime-timezones | utcnow is deprecated since 3.12 as it returns a naive datetime; use datetime.now(timezone.utc)
logging-module | passing args defers formatting; f-strings are always evaluated
enumerate-zip | zip makes an iterator of pairs
read-huge-file | readlines() is not memory efficient
ast-manipulation | literal_eval only evaluates literals and refuses function calls
""".strip().splitlines()
]
COUNTERS = [
    pytest.param(question, counter, id=f"{question.id}-{n}")
    for question in BANK.questions
    for n, counter in enumerate(c for wrong in question.misconceptions for c in wrong.counters)
]


def flagged(question, statement):
    return [found.misconception.text for found in GRADER.grade(question, statement).misconceptions]


def test_every_misconception_has_a_counter_statement():
    bare = [(q.id, m.text) for q in BANK.questions for m in q.misconceptions if not m.counters]
    assert not bare


@pytest.mark.parametrize(("question_id", "statement"), REVIEW_STATEMENTS)
def test_the_review_statements_are_counters_and_are_not_flagged(question_id, statement):
    question = BANK.get(question_id)
    counters = {c for wrong in question.misconceptions for c in wrong.counters}
    assert any(statement in counter or counter in statement for counter in counters)
    assert not flagged(question, statement)


# Counter-statements the grader still flags (a ceiling that only goes down; see the note).
FLAGGED_COUNTERS_CEILING = 26


def test_counter_statements_are_almost_never_flagged():
    wrongly = [(q.id, c) for q, c in (p.values for p in COUNTERS) if flagged(q, c)]
    assert len(wrongly) <= FLAGGED_COUNTERS_CEILING, wrongly
