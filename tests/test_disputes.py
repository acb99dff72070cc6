"""Disputed grades on a real SQLite file: the button's untrusted data, recording once,
/disputes for admins only, and forgetting a learner forgets their disputes."""

from datetime import UTC, datetime, timedelta

from bot.conversation.commands import run_command
from bot.conversation.disputes import ADMINS_ONLY, ALREADY, NOT_YOURS, PRIVATE_ONLY, THANKS, UNKNOWN
from bot.conversation.learner import Learner
from bot.conversation.tutor import Tutor
from bot.render.markup import PLAIN
from content import load_bank
from storage.disputes import most_disputed
from storage.pending import set_pending

BANK = load_bank()
NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
ADMIN, ADA, BOB = 1, 7, 8
GIL = BANK.get("gil")
WEAK_GIL = "The GIL means only one thread runs Python bytecode at a time, so threads are slow."


def tutor(db) -> Tutor:
    return Tutor(db, BANK, PLAIN, admin_ids=[ADMIN])


async def graded(tutor: Tutor, who: Learner, answer: str) -> str:
    """Answer the GIL question; the grade's dispute button data."""
    await set_pending(tutor.db, who.chat_id, who.user_id, GIL.id, NOW)
    reply = await tutor.answer(who, answer, NOW)
    [dispute] = [b.action for row in reply.buttons for b in row if b.action.startswith("dispute:")]
    return dispute


async def test_pressing_records_once_and_a_second_press_changes_nothing(db):
    bot = tutor(db)
    ada = Learner(ADA, ADA, "Ada")
    action = await graded(bot, ada, WEAK_GIL)
    assert len(action.encode()) <= 64
    first = await bot.press(ada, action, NOW)
    assert first.parts == (THANKS,)
    second = await bot.press(ada, action, NOW + timedelta(minutes=1))
    assert second.parts == (ALREADY,)
    [disputed] = await most_disputed(db, 10, 3)
    assert (disputed.question_id, disputed.disputes, disputed.sample_answer) == (
        "gil",
        1,
        WEAK_GIL,
    )
    grade = bot.grader.grade(GIL, WEAK_GIL)
    missed = {r.point.text for r in grade.points if r.coverage.value != "hit"}
    assert missed and {point for point, _ in disputed.points} <= missed


async def test_forged_old_and_foreign_buttons_change_nothing(db):
    bot = tutor(db)
    ada, bob = Learner(ADA, ADA, "Ada"), Learner(BOB, BOB, "Bob")
    action = await graded(bot, ada, WEAK_GIL)
    for forged in (
        "dispute:999999",
        "dispute:abc",
        "dispute:",
        "dispute:-1",
        "dispute:" + "9" * 40,
    ):
        assert (await bot.press(ada, forged, NOW)).parts == (UNKNOWN,)
    assert (await bot.press(bob, action, NOW)).parts == (UNKNOWN,), "another chat"
    group_bob = Learner(BOB, ADA, "Bob", group=True)
    assert (await bot.press(group_bob, action, NOW)).parts == (NOT_YOURS,)
    assert await most_disputed(db, 10, 3) == []


async def test_disputes_is_for_admins_only_and_in_private(db):
    bot = tutor(db)
    refused = await run_command(bot, Learner(ADA, ADA), "disputes", "", NOW)
    assert refused.parts == (ADMINS_ONLY,)
    in_group = await run_command(bot, Learner(ADMIN, -100, group=True), "disputes", "", NOW)
    assert in_group.parts == (PRIVATE_ONLY,)
    empty = await run_command(bot, Learner(ADMIN, ADMIN), "disputes", "", NOW)
    assert "No grade has been disputed yet" in empty.parts[0]


async def test_the_report_ranks_questions_and_names_the_uncredited_points(db):
    bot = tutor(db)
    for user in (ADA, BOB):
        who = Learner(user, user)
        await bot.press(who, await graded(bot, who, WEAK_GIL), NOW)
    refused = await run_command(bot, Learner(BOB, BOB), "disputes", "", NOW)
    assert refused.parts == (ADMINS_ONLY,), "disputing does not make anyone an admin"
    report = await run_command(bot, Learner(ADMIN, ADMIN), "disputes", "", NOW)
    heading, entry, *open_answers = report.parts
    assert heading == "Most disputed questions (2 dispute(s) in all)"
    assert len(open_answers) == 3, "a heading, then each open disputed answer"
    assert entry.startswith("1. gil: 2 dispute(s). What is the GIL")
    assert "(2×)" in entry
    assert f"Latest disputed answer: “\u2068{WEAK_GIL}\u2069”" in entry


async def test_forgetting_a_learner_deletes_their_disputes(db):
    bot = tutor(db)
    ada = Learner(ADA, ADA)
    await bot.press(ada, await graded(bot, ada, WEAK_GIL), NOW)
    await bot.account.forget(ada)
    assert await most_disputed(db, 10, 3) == []
    leftover = await db.fetch_one("SELECT COUNT(*) FROM disputed_points")
    assert leftover[0] == 0
