"""The inbox table, and the engine handling one message twice (as after a crash between
handling it and marking it done): the same grade again, nothing counted twice."""

import asyncio
from datetime import UTC, datetime, timedelta

from bot.conversation.learner import Learner
from bot.conversation.tutor import Tutor
from bot.render.markup import PLAIN
from content import load_bank
from storage.inbox import (
    forget_confirmed,
    forget_handled_before,
    mark_handled,
    store_updates,
    waiting_updates,
)
from storage.pending import set_pending
from storage.sqlite import WriteTurns

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
ADA = Learner(7, 7, "Ada")
BANK = load_bank()


async def test_updates_wait_until_handled_and_a_second_fetch_changes_nothing(db):
    assert await store_updates(db, [(10, '{"a": 1}'), (11, '{"b": 2}')], NOW) == 2
    await mark_handled(db, 10)
    assert await store_updates(db, [(10, '{"a": 1}'), (11, '{"b": 2}'), (12, "{}")], NOW) == 1
    assert await waiting_updates(db) == [(11, '{"b": 2}'), (12, "{}")]
    assert await waiting_updates(db, after=11) == [(12, "{}")]
    await forget_confirmed(db, below=12)  # 10 is done and confirmed; 11 still waits
    rows = await db.fetch_all("SELECT update_id FROM inbox ORDER BY update_id")
    assert [row["update_id"] for row in rows] == [11, 12]
    await mark_handled(db, 11)
    await forget_handled_before(db, NOW)  # webhook mode: nothing older than now
    await forget_handled_before(db, NOW + timedelta(seconds=1))
    assert await waiting_updates(db) == [(12, "{}")]
    assert len(await db.fetch_all("SELECT * FROM inbox")) == 1


async def test_a_private_answer_handled_twice_shows_its_grade_again_and_counts_once(db):
    tutor = Tutor(db, BANK, PLAIN)
    gil = BANK.get("gil")
    await set_pending(db, 7, 7, "gil", NOW)
    first = await tutor.answer(ADA, gil.answer, NOW, message_id=41)
    again = await tutor.answer(ADA, gil.answer, NOW, message_id=41)
    assert again == first and "/100" in first.parts[0]
    rows = await db.fetch_all("SELECT COUNT(*) AS n FROM attempts")
    assert rows[0]["n"] == 1
    other = await tutor.answer(ADA, gil.answer, NOW, message_id=43)
    assert "No question is waiting" in other.parts[0]


async def test_an_interview_message_handled_twice_moves_it_once(db):
    tutor = Tutor(db, BANK, PLAIN)
    start = await tutor.interviews.command(ADA, "3", NOW)
    await tutor.question_sent(ADA, [2], start.asks, NOW)
    moved = await tutor.answer(ADA, "I would explain it with an example", NOW, message_id=3)
    again = await tutor.answer(ADA, "I would explain it with an example", NOW, message_id=3)
    assert moved.parts[0].startswith("Noted")
    assert again.parts[0] == "Noted." and again.parts[1] == moved.parts[-1]
    rows = await db.fetch_all("SELECT position, stage FROM interviews")
    assert (rows[0]["position"], rows[0]["stage"]) in ((0, "follow-up"), (1, "question"))


async def test_urgent_writes_go_before_the_queued_ones():
    turns = WriteTurns()
    order = []

    async def writer(name, urgent=False, hold=0.0):
        async with turns.turn(urgent):
            order.append(name)
            await asyncio.sleep(hold)

    first = asyncio.create_task(writer("first", hold=0.01))
    await asyncio.sleep(0)
    queued = [asyncio.create_task(writer(f"normal {n}")) for n in range(3)]
    cancelled = asyncio.create_task(writer("cancelled", urgent=True))
    urgent = asyncio.create_task(writer("urgent", urgent=True))
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.gather(first, *queued, urgent, cancelled, return_exceptions=True)
    assert order == ["first", "urgent", "normal 0", "normal 1", "normal 2"]
    async with turns.turn():
        pass  # free again
