"""The grader judges what each clause of an answer claims: polarity, qualifiers, reported
claims, sides of a comparison, opposites, lists of terms, and the shared concept vocabulary."""

import pytest

from bot.grader import Coverage, PreparedQuestion
from content import KeyPoint, Misconception, Side

THREADS = PreparedQuestion(
    key_points=(
        KeyPoint("The GIL is released during blocking I/O", ("released during io",), 2.0),
        KeyPoint("CPU-bound code should use multiprocessing", ("cpu bound needs processes",)),
        KeyPoint("Use an OrderedDict to keep the order", ("OrderedDict",)),
    ),
    misconceptions=(
        Misconception(
            "Threads make CPU-bound Python code run faster",
            ("threading speeds up cpu bound code",),
            "With the GIL, threads running CPU-bound Python code take turns.",
        ),
    ),
    prompt="How does the GIL affect threads?",
)
INIT_NEW = PreparedQuestion(
    key_points=(
        KeyPoint("__new__ creates and returns the instance", ("new creates the instance",), 2.0),
        KeyPoint("__init__ initialises the instance it is given", ("init sets attributes",), 2.0),
        KeyPoint("Override __new__ for immutable types", ("subclass int or tuple",)),
    ),
    prompt="What is the difference between __new__ and __init__?",
    sides=(Side("__new__", ("new",)), Side("__init__", ("init",))),
)
ENUM = PreparedQuestion(
    key_points=(
        KeyPoint("A plain Enum member is not its value", ("Color.RED == 1 is False",), 2.0),
        KeyPoint("Requests pass top to bottom", ("onion model",)),
        KeyPoint("IntEnum members behave as ints", ("intenum compares equal to ints",)),
    ),
    prompt="What does the enum module give you?",
)


def one_point(text: str, prompt: str, *alternatives: str) -> PreparedQuestion:
    """A question with a single key point."""
    return PreparedQuestion(key_points=(KeyPoint(text, alternatives),), prompt=prompt)


def claiming(*misconceptions: Misconception) -> PreparedQuestion:
    """The GIL question's key points with these misconceptions."""
    return PreparedQuestion(key_points=THREADS.key_points, misconceptions=misconceptions)


def flagged(question, answer):
    return [found.misconception.text for found in question.grade(answer).misconceptions]


def coverage(question, answer, point):
    return question.grade(answer).points[point].coverage


def test_a_misconception_asserted_in_a_clause_is_flagged():
    assert flagged(THREADS, "Threads make CPU-bound Python code run faster.")
    assert flagged(THREADS, "i think threading speeds up cpu bound code")


@pytest.mark.parametrize(
    "answer",
    [
        "Threads do not make CPU-bound Python code run faster.",
        "Threads can't make CPU-bound Python code run faster.",
        "Threads make I/O-bound code run faster; CPU-bound Python code needs processes.",
        "On the free-threaded build threads make CPU-bound Python code run faster.",
        "Since 3.13t threads make CPU-bound Python code run faster.",
        "It is a myth that threads make CPU-bound Python code run faster.",
        "Do threads make CPU-bound Python code run faster?",
        "Threads make I/O-bound Python code run faster.",
    ],
    ids=[
        "negated",
        "contraction",
        "other-clause",
        "qualified",
        "version",
        "reported",
        "asked",
        "opposite",
    ],
)
def test_a_clause_that_does_not_assert_the_misconception_is_not_flagged(answer):
    assert not flagged(THREADS, answer)


def test_an_absolute_claim_is_flagged_only_when_the_answer_says_it_absolutely():
    always = claiming(
        Misconception("sys.path[0] is always the working directory", (), "Only with -m.")
    )
    assert flagged(always, "sys.path[0] is always the working directory")
    assert not flagged(always, "With python -m, sys.path[0] is the working directory")


def test_a_claim_that_each_has_its_own_is_not_said_by_a_clause_that_they_share_one():
    per_task = claiming(
        Misconception("Each task runs in its own thread", (), "They share one."),
        Misconception("Tasks run in the same thread", (), "Each has its own."),
    )
    own, same = (wrong.text for wrong in per_task.misconceptions)
    assert flagged(per_task, "every task runs in its own thread") == [own]
    assert flagged(per_task, "tasks run in separate threads") == [own]
    assert flagged(per_task, "the loop runs the tasks concurrently in one thread") == [same]


def test_a_claim_about_a_dotted_name_is_not_read_from_another_dotted_name():
    regex = claiming(
        Misconception("re.match finds the pattern anywhere in the string", (), "At the start.")
    )
    assert flagged(regex, "re.match finds the pattern anywhere in the string")
    assert flagged(regex, "re.match will find a pattern anywhere in a string")
    assert not flagged(
        regex, "re.match only looks at the string's start, re.search finds the pattern anywhere"
    )


def test_an_answer_that_admits_a_gap_is_not_a_pass():
    full = "The GIL is released during blocking I/O; CPU-bound code should use multiprocessing."
    assert THREADS.grade(full).score >= 70
    for admission in (
        "Not sure what an OrderedDict has to do with it.",
        "An OrderedDict, I'm not really sure.",
        "There is an OrderedDict too but I haven't used it.",
        "Not too sure about OrderedDict, haven't used those.",
        "Don't know about OrderedDict.",
    ):
        assert 30 <= THREADS.grade(f"{full} {admission}").score < 70, admission
    assert THREADS.grade(full + " A naive value has no idea of its zone.").score >= 70


def test_an_answer_unsure_of_a_claim_its_points_do_not_confirm_is_not_a_pass():
    full = "The GIL is released during blocking I/O; CPU-bound code should use multiprocessing."
    hedged = THREADS.grade(f"{full} I think the lock is also fair between threads.")
    assert 30 <= hedged.score < 70
    assert hedged.unsure == "i think the lock is also fair between threads"
    assert THREADS.grade(full).unsure == ""
    # A hedge on a point the answer earns, and an analogy, leave a pass a pass.
    assert THREADS.grade(f"{full} I believe an OrderedDict keeps the order.").score >= 70
    assert THREADS.grade(f"I think of the GIL as a talking stick. {full}").score >= 70
    # "I believe" claims what follows; "people believe" reports it.
    assert THREADS.grade("I believe threads make CPU-bound Python code run faster.").misconceptions
    assert not THREADS.grade(
        "People believe threads make CPU-bound Python code run faster."
    ).misconceptions


def test_concept_vocabulary_and_chat_notation_earn_the_point():
    assert coverage(THREADS, "the lock is dropped during blocking i/o", 0) is Coverage.HIT
    assert coverage(THREADS, "cpu heavy -> separate processes", 1) is Coverage.HIT
    assert coverage(THREADS, "the lock is not dropped during i/o", 0) is Coverage.MISSED
    okay = one_point("Threads are good for I/O-bound work", "When do threads help?")
    assert coverage(okay, "threads are ok for io bound stuff", 0) is Coverage.HIT
    shorthand = one_point(
        "The generator's return value ends up in the traceback",
        "What does a generator do when it returns?",
        "return value in traceback",
    )
    assert coverage(shorthand, "gen ret val lands in the tb", 0) is Coverage.HIT
    truthy = one_point("any is True when some element is truthy", "What do any and all return?")
    assert coverage(truthy, "any -> True if some elem truthy", 0) is Coverage.HIT


def test_a_leading_underscore_is_read_as_words():
    mangling = one_point(
        "A double underscore attribute is mangled", "What do underscores in names mean?"
    )
    assert coverage(mangling, "`__balance` attributes get mangled", 0) is Coverage.HIT
    assert coverage(mangling, "`_balance` attributes get mangled", 0) is not Coverage.HIT
    assert coverage(mangling, "`__init__` attributes get mangled", 0) is not Coverage.HIT


def test_words_python_keeps_apart_are_not_merged_by_their_stem():
    idioms = PreparedQuestion(
        key_points=(
            KeyPoint("Python code reads top to bottom", ("python reads top down",)),
            KeyPoint("Idiomatic code is called pythonic", ("pythonic style",)),
        ),
        prompt="How is a module run?",
    )
    assert coverage(idioms, "python reads it top down", 0) is Coverage.HIT
    assert coverage(idioms, "pythonic code reads top down", 0) is not Coverage.HIT


@pytest.mark.parametrize("spelling", ["OrderedDict", "ordereddict", "ordered dict"])
def test_identifiers_match_in_every_spelling(spelling):
    assert coverage(THREADS, f"I would use an {spelling} here", 2) is Coverage.HIT


def test_a_side_s_property_said_of_the_other_side_earns_nothing_and_is_flagged():
    right = INIT_NEW.grade("__new__ creates and returns the instance. __init__ sets attributes.")
    assert [r.coverage for r in right.points[:2]] == [Coverage.HIT, Coverage.HIT]
    assert not right.misconceptions
    swapped = INIT_NEW.grade(
        "__init__ creates and returns the instance. __new__ sets the attributes."
    )
    assert [r.coverage for r in swapped.points[:2]] == [Coverage.MISSED, Coverage.MISSED]
    assert [f.misconception.text for f in swapped.misconceptions] == [
        "Says of __init__ what holds for __new__"
    ]
    assert swapped.score < right.score
    # A side named only after the claim may not be what it is about.
    later = INIT_NEW.grade("Creates and returns the instance, all before __init__ runs.")
    assert not later.misconceptions


def test_an_answer_that_calls_the_things_compared_the_same_is_not_a_pass():
    full = "The GIL is released during blocking I/O; CPU-bound code should use multiprocessing."
    for dismissal in (
        "Apart from that threads and processes are basically the same.",
        "There is no real difference between them otherwise.",
    ):
        graded = THREADS.grade(f"{full} {dismissal}")
        assert 30 <= graded.score < 70, dismissal
        assert graded.same.startswith(("basically", "no real"))
    assert THREADS.grade(f"{full} Both release the same lock.").same == ""


def test_a_clause_that_says_the_opposite_does_not_state_the_point():
    assert coverage(ENUM, "Color.RED == 1 is False", 0) is Coverage.HIT
    assert coverage(ENUM, "Color.RED == 1 is True for any Enum", 0) is Coverage.MISSED
    waiting = one_point("Threads are good for work that mostly waits", "When do threads help?")
    assert coverage(waiting, "threads are good when the work mostly waits", 0) is Coverage.HIT
    assert coverage(waiting, "threads are bad when the work mostly waits", 0) is Coverage.MISSED


def test_terms_merely_listed_are_named_not_stated():
    listed = "enum: members, values, onion model, layers, hooks, flags"
    assert coverage(ENUM, listed, 1) is Coverage.MISSED
    assert coverage(ENUM, "it works like an onion model", 1) is Coverage.HIT
    # A negated item is a claim, so the items around it are claims too.
    claims = "hooks are not called in order, it works like an onion model, flags, values"
    assert coverage(ENUM, claims, 1) is Coverage.HIT
    assert coverage(ENUM, claims.replace("are not", "are"), 1) is Coverage.MISSED


def test_a_list_after_an_arrow_does_not_make_the_claim_before_it_a_term():
    answer = "requests pass top to bottom -> auth, session, csrf, views, templates"
    assert coverage(ENUM, answer, 1) is Coverage.HIT
    assert coverage(ENUM, answer.replace("->", ","), 1) is not Coverage.HIT


SORTING = PreparedQuestion(
    key_points=(
        KeyPoint("list.sort() sorts the list in place", ("sorts the list in place",), 2.0),
        KeyPoint("sorted() returns a new list", ("sorted returns a new list",), 2.0),
        KeyPoint("Very deep nesting raises RecursionError", ("deep recursion raises an error",)),
    ),
    prompt="What is the difference between sorted() and list.sort()?",
)


def denied(question, answer):
    return [
        found.misconception.correction
        for found in question.grade(answer).misconceptions
        if found.misconception.text.startswith("Denies")
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "list.sort() does not sort the list in place, it copies it.",
        "The GIL is never released during I/O.",
        "The GIL is not released during I/O, so threads wait.",
    ],
)
def test_a_key_point_the_answer_denies_is_a_wrong_claim(answer):
    question = SORTING if "sort" in answer else THREADS
    assert denied(question, answer) == [question.key_points[0].text]
    assert question.grade(answer).score < 30


def test_denying_the_central_point_fails_an_answer_that_says_the_rest():
    rest = "CPU-bound code should use multiprocessing. Use an OrderedDict to keep the order."
    assert THREADS.grade(f"The GIL is not released during blocking I/O. {rest}").score < 30
    # A lighter point denied costs a wrong claim, not the whole answer.
    lighter = (
        "The GIL is released during blocking I/O. CPU-bound code should use multiprocessing."
        " Do not use an OrderedDict to keep the order."
    )
    assert denied(THREADS, lighter) == [THREADS.key_points[2].text]
    assert 30 <= THREADS.grade(lighter).score < 70


@pytest.mark.parametrize(
    "answer",
    [
        "If it is not sorted in place, the list stays as it was.",
        "Not sure, but it sorts the list in place.",
        "Use sorted() instead of sorting the list in place to keep the input.",
        "With an explicit stack there is no deep recursion and no error.",
        "Without sorting the list in place you keep the original.",
        "Sorting does not help here: sorted returns a new list.",
        "Does list.sort() not sort the list in place?",
        "list.sort() sorts the list in place. It does not sort the list in place for tuples.",
    ],
    ids=[
        "condition",
        "hedge",
        "alternative",
        "absence",
        "without",
        "other-predicate",
        "asked",
        "earned-elsewhere",
    ],
)
def test_a_negation_that_does_not_deny_the_point_is_not_a_wrong_claim(answer):
    assert not denied(SORTING, answer)


def test_a_denial_undone_by_without_is_not_a_wrong_claim():
    cache = one_point(
        "A lock is needed when threads share the cache",
        "Write an LRU cache class.",
        "threading lock",
        "thread safety needs a lock",
    )
    assert not denied(cache, "Note this class isn't thread-safe without a lock.")
    assert denied(cache, "Thread safety never needs a lock here.")


def test_a_denial_does_not_reach_across_a_comma():
    exceptions = one_point(
        "BaseException is reserved for KeyboardInterrupt and SystemExit",
        "How do you design custom exceptions?",
        "BaseException is for system exits",
    )
    assert not denied(exceptions, "Never BaseException directly, that is for SystemExit.")
    assert denied(exceptions, "BaseException is never for SystemExit.")


def test_the_two_parts_of_one_compound_are_not_enough_to_deny_a_point():
    zones = one_point(
        "Use the zoneinfo module",
        "How do you handle time zones?",
        "zoneinfo.ZoneInfo",
        "aware time values carry zone info",
    )
    assert not denied(zones, "A naive datetime does not have timezone info.")
    assert denied(zones, "Do not use the zoneinfo module.")


def test_a_word_with_a_negating_prefix_is_not_a_typo_of_the_word():
    platforms = one_point("uvloop is supported on Linux", "What is uvloop?")
    assert coverage(platforms, "uvloop is suported on linux", 0) is Coverage.HIT
    assert coverage(platforms, "uvloop is unsupported on linux", 0) is not Coverage.HIT


def test_a_negation_ends_where_a_new_subject_starts():
    question = one_point("Use processes for CPU-bound work", "How does the GIL affect threads?")
    answer = "For cpu heavy stuff threads don't help and you should use separate processes."
    assert coverage(question, answer, 0) is Coverage.HIT
    denied_too = "For cpu heavy stuff threads don't help and don't use separate processes."
    assert coverage(question, denied_too, 0) is Coverage.MISSED
    consequence = "Threads can't run in parallel so use processes for CPU-bound work."
    assert coverage(question, consequence, 0) is Coverage.HIT


def test_returns_none_is_not_returning_a_value():
    sort = PreparedQuestion(
        key_points=(KeyPoint("list.sort() sorts in place", ("sorts in place",)),),
        misconceptions=(
            Misconception(
                "list.sort() returns the sorted list",
                ("the sort method returns the sorted list",),
                "list.sort() returns None.",
            ),
        ),
        prompt="What does list.sort() return?",
    )
    assert not flagged(sort, "list.sort() is a list method that sorts in place and returns None")
    assert flagged(sort, "the sort method returns the sorted list")


def test_is_a_and_has_a_are_words():
    shapes = one_point(
        "Inheritance is is-a",
        "Compare inheritance and composition.",
        "inheritance is-a relationship",
    )
    assert shapes.grade("inheritance models is-a").points[0].coverage is Coverage.HIT
    assert shapes.grade('inheritance is "is a"').points[0].coverage is Coverage.HIT
    assert shapes.grade("inheritance is a way to reuse code").points[0].coverage is not Coverage.HIT


def test_two_wrong_claims_make_a_fail():
    two = PreparedQuestion(
        key_points=(
            KeyPoint("Dicts keep insertion order", ("dicts keep insertion order",)),
            KeyPoint("Sets are unordered", ("sets are unordered",)),
        ),
        misconceptions=(
            Misconception("Tuples are mutable", ("tuples can be changed",), "They are not."),
            Misconception("Lists are hashable", ("lists can be dict keys",), "They are not."),
        ),
        prompt="Compare the built-in collections.",
    )
    answer = "Dicts keep insertion order. Sets are unordered."
    assert two.grade(answer).score >= 70
    one = two.grade(answer + " Tuples are mutable.")
    assert 30 <= one.score < 70
    assert two.grade(answer + " Tuples are mutable. Lists are hashable.").score < 30


def test_a_sentence_that_chains_terms_with_and_is_keyword_salad():
    claims = (
        "The GIL is released during blocking I/O, and CPU-bound code should use multiprocessing"
    )
    assert THREADS.grade(claims + ".").score >= 70
    chained = (
        f"{claims}, and threads and locks and the OrderedDict and the order and bytecode and"
        " the interpreter all work together."
    )
    assert THREADS.grade(chained).score < 30
    assert THREADS.grade(f"{claims}. Threads and locks and bytecode.").score >= 30


def test_an_answer_that_is_mostly_a_list_of_terms_is_a_fail():
    salad = "It is all about the onion model: requests, layers, hooks, flags, values, members."
    assert ENUM.grade(salad).score < 30
    stated = "Requests pass top to bottom, like an onion model: layers, hooks, flags, values."
    assert ENUM.grade(stated).points[1].coverage is Coverage.HIT
    assert ENUM.grade(stated).score >= 30
    # A statement that runs through a list is not one of its terms.
    through = (
        "Requests pass top to bottom. Every layer of the onion model runs its own hooks, flags,"
        " values, members, enums, and then hands the request over to the next layer of the stack."
    )
    assert ENUM.grade(through).score >= 30


def test_an_answer_that_talks_about_the_topic_without_claims_is_a_fail():
    stated = "IntEnum members behave as ints, and Color.RED == 1 is False for a plain Enum."
    assert ENUM.grade(stated).score >= 70
    talk = f"{stated} It is all about the enum-ness of the members, in terms of values overall."
    assert ENUM.grade(talk).score < 30
    assert ENUM.grade(f"{stated} Flags, aliases and so on.").score >= 70


@pytest.mark.parametrize(
    "answer",
    [
        "Threads make CPU-bound Python code run faster, so you never need processes.",
        "Threads make CPU-bound Python code run faster and nothing else is needed.",
        "Threads make CPU-bound Python code run faster, not processes.",
        "The trick is not processes: threads make CPU-bound Python code run faster.",
        "Threads make CPU-bound Python code run faster, and use them instead of processes.",
    ],
    ids=["never-later", "nothing-later", "contrast-later", "colon-between", "next-statement"],
)
def test_a_negation_after_the_claim_does_not_undo_it(answer):
    assert flagged(THREADS, answer)


@pytest.mark.parametrize(
    "answer",
    [
        "Processes make CPU-bound Python code run faster, threads do not.",
        "Threads make CPU-bound Python code run faster, which is not true.",
        "Use processes to make CPU-bound Python code run faster instead of threads.",
        "It is not true that threads make CPU-bound Python code run faster.",
    ],
    ids=["closing-not", "judged", "alternative", "before"],
)
def test_a_negation_that_reaches_back_to_the_claim_undoes_it(answer):
    assert not flagged(THREADS, answer)


def test_an_ellipsis_is_a_pause_not_the_end_of_a_clause():
    assert coverage(THREADS, "the GIL gets released... during io", 0) is Coverage.HIT
    assert coverage(THREADS, "the GIL gets released. During io it waits.", 0) is not Coverage.HIT


def test_a_claim_is_read_from_the_words_nearest_its_side():
    search = PreparedQuestion(
        key_points=(
            KeyPoint("re.match matches only at the start", ("match anchors at the start",)),
            KeyPoint("re.search finds the first match anywhere", ("search looks anywhere",)),
            KeyPoint("Raw strings keep backslashes", ("raw strings",)),
        ),
        misconceptions=(
            Misconception(
                "re.search returns a list containing all the matches",
                (),
                "re.search returns the first Match or None.",
            ),
        ),
        prompt="How do re.match and re.search differ?",
        sides=(Side("re.match", ("pattern.match",)), Side("re.search", ("search()",))),
    )
    answer = "re.match tells whether the text matches and re.search returns all matches as a list"
    assert flagged(search, answer)
    assert not flagged(search, "re.findall returns all matches as a list")
