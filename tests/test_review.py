"""Spaced repetition: the rating a grade stands for, FSRS due times at fixed instants, the
choice of the next question (due reviews, then the weakest section), and the card storage."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from fsrs import Rating

from bot.conversation.answers import answer_records
from bot.core.review import ReviewCard, rating, review, summarize
from bot.core.selection import Seen, choose_question
from bot.core.streaks import Streak
from content import Difficulty, KeyPoint, Question, Section
from storage import migrations, open_database
from storage.attempts import record_attempt
from storage.cards import get_card, get_cards
from storage.learners import ensure_learner, forget_learner

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_scores_map_to_ratings_at_the_grader_verdict_bands():
    assert [rating(s) for s in (0, 29)] == [Rating.Again] * 2
    assert [rating(s) for s in (30, 69)] == [Rating.Hard] * 2
    assert [rating(s) for s in (70, 89)] == [Rating.Good] * 2
    assert [rating(s) for s in (90, 100)] == [Rating.Easy] * 2


def test_a_first_answer_is_due_again_after_whole_days_by_its_rating():
    due = {score: review(None, "gil", score, NOW).due - NOW for score in (10, 50, 80, 95)}
    assert due == {10: DAY, 50: DAY, 80: 2 * DAY, 95: 8 * DAY}


def test_reviews_at_due_time_stretch_good_answers_and_shrink_forgotten_ones():
    first = review(None, "gil", 80, NOW)
    again_good = review(first, "gil", 80, first.due)
    assert again_good.reviews == 2 and again_good.score == 80
    assert (first.due - NOW, again_good.due - first.due) == (2 * DAY, 11 * DAY)
    forgotten = review(again_good, "gil", 20, again_good.due)
    assert forgotten.due - again_good.due == 2 * DAY
    assert review(first, "gil", 80, first.due) == again_good, "no fuzz: same answers, same times"


def test_a_card_without_fsrs_state_starts_afresh_and_any_time_zone_works():
    carried = ReviewCard("gil", NOW - 30 * DAY, 40, 3, None)
    berlin = NOW.astimezone(ZoneInfo("Europe/Berlin"))
    card = review(carried, "gil", 80, berlin)
    assert card.due == NOW + 2 * DAY and card.reviews == 4 and card.memory


def test_summary_counts_due_cards_and_finds_the_next_one_ahead():
    times = [NOW - DAY, NOW, NOW + 3 * DAY, NOW + DAY]
    summary = summarize(times, NOW)
    assert (summary.due_now, summary.total, summary.next_due) == (2, 4, NOW + DAY)
    assert summarize([], NOW).next_due is None


def question(qid: str, section: Section) -> Question:
    point = KeyPoint("a point", ())
    return Question(qid, 0, section, Difficulty.MIDDLE, ("memory",), "Why?", (point,), "x")


BANK = [
    question("core-1", Section.CORE),
    question("core-2", Section.CORE),
    question("oop-1", Section.OOP),
    question("oop-2", Section.OOP),
    question("web-1", Section.WEB),
    question("web-2", Section.WEB),
]


def test_due_reviews_come_before_new_questions_the_most_overdue_first():
    seen = {
        "core-1": Seen(NOW - DAY, 90),
        "oop-1": Seen(NOW - 3 * DAY, 95),
        "web-1": Seen(NOW + DAY, 10),
    }
    assert choose_question(BANK, seen, NOW, learner_id=1).id == "oop-1"
    assert choose_question(BANK, seen, NOW - 2 * DAY, learner_id=1).id == "oop-1"
    assert choose_question(BANK, seen, NOW - 4 * DAY, learner_id=1).section is Section.WEB


def test_new_questions_come_from_the_weakest_section_with_unseen_ones():
    later = NOW + 5 * DAY
    seen = {"core-1": Seen(later, 90), "oop-1": Seen(later, 30), "web-1": Seen(later, 60)}
    assert choose_question(BANK, seen, NOW, learner_id=1).id == "oop-2"
    seen["oop-2"] = Seen(later, 35)
    assert choose_question(BANK, seen, NOW, learner_id=1).id == "web-2"


def test_a_learner_without_answers_starts_at_the_first_section_then_goes_on_in_order():
    assert choose_question(BANK, {}, NOW, learner_id=7).section is Section.CORE
    done = {q.id: Seen(NOW + 9 * DAY, 100) for q in BANK[:2]}
    assert choose_question(BANK, done, NOW, learner_id=7).section is Section.OOP


def test_within_a_topic_due_cards_of_that_topic_come_first():
    topic = [q for q in BANK if q.section is Section.WEB]
    seen = {"web-2": Seen(NOW - DAY, 50), "core-1": Seen(NOW - 9 * DAY, 10)}
    assert choose_question(topic, seen, NOW, learner_id=1).id == "web-2"


async def test_an_attempt_and_its_card_are_written_together(db):
    await ensure_learner(db, 7, "Ada", NOW)
    for when, score in ((NOW, 80), (NOW + 2 * DAY, 95)):
        records = await answer_records(db, 7, 7, "gil", "an answer", score, 0, when)
        await record_attempt(db, records.attempt, records.streak, records.card)
    card = await get_card(db, 7, "gil")
    expected = review(review(None, "gil", 80, NOW), "gil", 95, NOW + 2 * DAY)
    assert (card.due, card.score, card.reviews) == (expected.due, 95, 2)
    assert records.streak == Streak(1, 1, date(2026, 5, 6))
    await forget_learner(db, 7)
    assert await get_cards(db, 7) == []


async def test_answers_given_before_spaced_repetition_become_due_cards(database_url, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
        old = await open_database(database_url)
        try:
            await ensure_learner(old, 7, "Ada", NOW)
            for qid, score, days in (("gil", 30, 0), ("gil", 75, 1), ("decorators", 90, 2)):
                await old.write(
                    "INSERT INTO attempts (user_id, chat_id, question_id, answer, score, "
                    "answered_at, local_day) VALUES (7, 7, ?, 'an answer', ?, ?, ?)",
                    (qid, score, (NOW + days * DAY).isoformat(), NOW.date().isoformat()),
                )
        finally:
            await old.close()
    db = await open_database(database_url)
    cards = {card.question_id: card for card in await get_cards(db, 7)}
    await db.close()
    assert (cards["gil"].score, cards["gil"].reviews, cards["gil"].due) == (75, 2, NOW + DAY)
    assert (cards["decorators"].score, cards["decorators"].memory) == (90, None)
