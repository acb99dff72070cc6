"""Mock interviews, the pure part: reading arguments, the plan, the report card."""

from bot.core.interview import (
    Problem,
    Request,
    Result,
    Trouble,
    Verdict,
    plan,
    read_request,
    readiness,
    report_card,
    typical_level,
)
from content import Difficulty, KeyPoint, Question, Section, load_bank

BANK = load_bank()
J, M, S = Difficulty.JUNIOR, Difficulty.MIDDLE, Difficulty.SENIOR


def read(args: str) -> Request | Problem:
    return read_request(args, BANK.topics)


def test_arguments_combine_in_any_order_and_topics_match_loosely():
    assert read("") == Request(5, None, None)
    assert read("8") == Request(8, None, None)
    assert read("senior") == Request(5, S, None)
    assert read("6 senior") == Request(6, S, None)
    assert read("asynco") == Request(5, None, BANK.topic("asyncio"))
    assert read("Senior 4 global interpreter lock") == Request(4, S, BANK.topic("gil"))
    assert read("any 3") == Request(3, None, None)


def test_junk_arguments_are_problems_not_requests():
    assert read("42") == Problem(Trouble.COUNT_OUT_OF_RANGE, "42")
    assert read("2").trouble is Trouble.COUNT_OUT_OF_RANGE
    assert read("-5").trouble is Trouble.COUNT_OUT_OF_RANGE
    assert read("5 6").trouble is Trouble.TWO_COUNTS
    assert read("senior Junior") == Problem(Trouble.TWO_LEVELS, "senior Junior")
    unknown = read("zzqq xxyy")
    assert (unknown.trouble, unknown.given) == (Trouble.UNKNOWN_TOPIC, "zzqq xxyy")


def q(qid: str, section: Section, difficulty: Difficulty = M, topics=("memory",)) -> Question:
    point = KeyPoint("a point", ())
    return Question(qid, 0, section, difficulty, topics, "Why?", (point,), "x")


POOL = [
    q(f"{section.slug}-{n}", section, (J, M, S)[n % 3])
    for section in (Section.CORE, Section.OOP, Section.WEB)
    for n in range(3)
]


def test_the_plan_mixes_sections_prefers_unseen_questions_and_warms_up():
    chosen = plan(POOL, 3, seen=set(), seed="ada:1")
    assert len(chosen) == 3 and len({x.section for x in chosen}) == 3
    ranks = [(J, M, S).index(x.difficulty) for x in chosen]
    assert ranks == sorted(ranks)
    assert plan(POOL, 3, seen=set(), seed="ada:1") == chosen
    seen = {x.id for x in POOL if not x.id.endswith("-2")}
    assert {x.id for x in plan(POOL, 3, seen, seed="ada:2")} == {"core-2", "oop-2", "web-2"}


def test_a_plan_never_repeats_a_question_and_a_small_pool_gives_a_short_plan():
    six = plan(POOL, 6, seen=set(), seed="bob")
    assert len({x.id for x in six}) == 6
    assert [x.section for x in six].count(Section.CORE) == 2
    assert plan(POOL[:2], 5, seen=set(), seed="bob") == sorted(
        POOL[:2], key=lambda x: (J, M, S).index(x.difficulty)
    )


def results(*rows) -> list[Result]:
    return [Result(question, score) for question, score in rows]


GIL = q("gil", Section.CONCURRENCY, M, ("gil", "concurrency"))
LOOP = q("loop", Section.CONCURRENCY, M, ("asyncio",))
ORM = q("orm", Section.WEB, M, ("django", "databases"))
SLOTS = q("slots", Section.OOP, S, ("slots",))


def test_report_card_finds_strong_sections_and_the_topics_to_practise():
    card = report_card(results((GIL, 90), (LOOP, 70), (ORM, 30), (SLOTS, 60)), 4, M)
    assert card.average == 62.5
    [strength] = card.strengths
    assert strength.section is Section.CONCURRENCY and strength.average == 80
    assert strength.topics == ("gil", "concurrency", "asyncio")
    assert [(g.topic, g.score) for g in card.gaps] == [
        ("django", 30),
        ("databases", 30),
        ("slots", 60),
    ]
    assert card.readiness.verdict is Verdict.ALMOST


def test_a_passed_question_scores_zero_and_counts_as_a_gap():
    card = report_card([Result(GIL, 0, passed=True), Result(LOOP, 100)], 2, None)
    assert card.average == 50 and card.gaps[0].topic == "gil"
    assert card.readiness.verdict is Verdict.ALMOST and card.readiness.level is M


def test_readiness_follows_the_average_and_the_level():
    assert readiness(70, M) == readiness(84, M)
    assert readiness(70, M).verdict is Verdict.READY and readiness(70, M).suggested is None
    assert readiness(85, M).suggested is S
    assert readiness(95, S).suggested is None
    assert readiness(50, S).verdict is Verdict.ALMOST
    assert (readiness(49.9, S).verdict, readiness(49.9, S).suggested) == (Verdict.NOT_YET, M)
    assert readiness(10, J).suggested is None
    assert readiness(None, M).verdict is Verdict.TOO_FEW


def test_an_interview_ended_early_gets_a_verdict_only_from_enough_answers():
    assert report_card(results((GIL, 95)), 5, M).readiness.verdict is Verdict.TOO_FEW
    three = results((GIL, 95), (LOOP, 95), (ORM, 95))
    assert report_card(three, 5, M).readiness.verdict is Verdict.READY
    assert report_card([], 5, M).average is None


def test_a_mixed_interview_is_judged_at_its_typical_level():
    assert typical_level([J, S, S]) is S
    assert typical_level([J, M, S, S]) is M
    assert typical_level([J, J, S, S]) is J
    card = report_card(results((GIL, 90), (SLOTS, 90), (ORM, 90)), 3, None)
    assert card.readiness == readiness(90, M)
