"""The inbox table, and the engine handling one message twice (as after a crash between
handling it and marking it done): the same grade again, nothing counted twice."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

from bot.conversation.learner import Learner
from bot.conversation.tutor import Tutor
from bot.render.markup import PLAIN
from bot.telegram import inbox
from content import load_bank
from storage import open_database
from storage.inbox import (
    Received,
    forget_confirmed,
    forget_handled_before,
    mark_handled,
    stale_updates,
    store_updates,
    waiting_through,
    waiting_updates,
)
from storage.pending import set_pending
from storage.sqlite import WriteTurns
from testing.bot_runner import running_bot
from testing.fake_telegram import FakeTelegram

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
ADA = Learner(7, 7, "Ada")
BANK = load_bank()


A, B, C = Received(10, 7, '{"a": 1}'), Received(11, 8, '{"b": 2}'), Received(12, 7, "{}")


async def test_updates_wait_until_handled_and_a_second_fetch_changes_nothing(db):
    assert await store_updates(db, [A, B], NOW) == [A, B]
    await mark_handled(db, 10)
    assert await store_updates(db, [A, B, C], NOW) == [C]
    assert await waiting_updates(db) == [B, C]
    assert await waiting_updates(db, after=11) == [C]
    await forget_confirmed(db, below=12)  # 10 is done and confirmed; 11 still waits
    rows = await db.fetch_all("SELECT update_id FROM inbox ORDER BY update_id")
    assert [row["update_id"] for row in rows] == [11, 12]
    await mark_handled(db, 11)
    await forget_handled_before(db, NOW)  # webhook mode: nothing older than now
    await forget_handled_before(db, NOW + timedelta(seconds=1))
    assert await waiting_updates(db) == [C]
    assert len(await db.fetch_all("SELECT * FROM inbox")) == 1


async def test_an_update_comes_after_its_chats_earlier_waiting_ones_and_once(db):
    earlier, other_chat, later = Received(20, 7, "{}"), Received(21, 8, "{}"), Received(22, 7, "{}")
    await store_updates(db, [earlier, other_chat, later], NOW)
    assert await waiting_through(db, 22, 7) == [earlier, later]
    assert await waiting_through(db, 21, 8) == [other_chat]
    await mark_handled(db, 22)
    assert await waiting_through(db, 22, 7) == [], "handled already: nothing to apply"
    assert await waiting_through(db, 20, 7) == [earlier]


async def test_updates_left_waiting_are_stale_after_a_while(db):
    await store_updates(db, [A], NOW - timedelta(minutes=1))
    await store_updates(db, [B], NOW)
    assert await stale_updates(db, NOW - timedelta(seconds=30), 10) == [A]
    await mark_handled(db, 10)
    assert await stale_updates(db, NOW - timedelta(seconds=30), 10) == []


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


async def test_an_update_another_process_stored_and_left_is_taken_up(database_url, monkeypatch):
    """A worker stored an update and died before handling it; a live one handles it once it
    has waited STALE_AFTER."""
    monkeypatch.setattr(inbox, "RESCUE_EVERY_SECONDS", 0.1)
    async with FakeTelegram() as fake:
        fake.add_private_chat(ADA.user_id, "Ada")
        async with running_bot(fake, database_url):
            message = fake.user_sends(ADA.user_id, "/streak")
            fake.updates.clear()  # it reached the dead worker, not this one
            payload = json.dumps({"update_id": 900, "message": message})
            db = await open_database(database_url)
            try:
                left = datetime.now(UTC) - inbox.STALE_AFTER - timedelta(seconds=1)
                await store_updates(db, [Received(900, ADA.user_id, payload)], left)
                [reply] = await fake.wait_for_messages(ADA.user_id, 1, timeout=10)
                assert "streak" in reply.plain_text.casefold()
                for _ in range(100):  # marked done right after its reply went out
                    if not await waiting_updates(db):
                        break
                    await asyncio.sleep(0.05)
                assert await waiting_updates(db) == []
            finally:
                await db.close()
        assert len(fake.messages_to(ADA.user_id)) == 1
