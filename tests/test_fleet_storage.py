"""What processes sharing one database rely on: the send budget, chat turns and push claims,
each opened twice on the same database as two processes would."""

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.telegram.pacing import FleetBudget
from storage import open_database
from storage.budget import forget_seconds_before, take_sends
from storage.subscriptions import Subscription, claim_due, subscribe

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
async def two(database_url):
    """The same database opened by two 'processes'."""
    first, second = await open_database(database_url), await open_database(database_url)
    yield first, second
    await first.close()
    await second.close()


@pytest.fixture
async def two_on_postgres(postgres_url):
    first, second = await open_database(postgres_url), await open_database(postgres_url)
    yield first, second
    await first.close()
    await second.close()


async def test_a_seconds_budget_is_shared_and_never_overdrawn(two):
    first, second = two
    assert await take_sends(first, 100, 3, limit=5)
    assert not await take_sends(second, 100, 3, limit=5), "only 2 left in second 100"
    assert await take_sends(second, 100, 2, limit=5)
    assert not await take_sends(first, 100, 1, limit=5)
    assert await take_sends(first, 101, 5, limit=5), "a new second, a new budget"
    await forget_seconds_before(first, 101)
    assert [row["second"] for row in await first.fetch_all("SELECT second FROM send_budget")] == [
        101
    ]


class Clock:
    """Wall-clock seconds moved by the sleeps the budget asks for."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_two_processes_start_no_more_than_the_rate_in_any_second(two):
    clock = Clock(1000.25)
    budgets = [FleetBudget(db, rate=4, clock=clock, sleep=clock.sleep) for db in two]
    started: dict[int, int] = {}
    for turn in range(12):
        await budgets[turn % 2].take()
        started[int(clock())] = started.get(int(clock()), 0) + 1
    assert started == {1000: 4, 1001: 4, 1002: 4}
    assert clock.slept and all(0 < wait <= 1 for wait in clock.slept)


async def test_an_unreachable_budget_lets_the_process_go_on_alone(database_url):
    db = await open_database(database_url)
    budget = FleetBudget(db, rate=4, clock=Clock(5.0))
    await db.close()
    await budget.take()  # no database: no wait, no error


async def subscribers(db, count: int) -> None:
    due = NOW - timedelta(minutes=1)
    for chat in range(1, count + 1):
        await subscribe(db, Subscription(chat, chat, False, "UTC", time(11, 59), due, True), NOW)


async def test_two_pushes_claim_different_subscriptions(two_on_postgres):
    first, second = two_on_postgres
    await subscribers(first, 6)
    claim_a, mine = await claim_due(first, NOW, None, 4)
    claim_b, theirs = await claim_due(second, NOW, None, 4)
    assert [s.chat_id for s in mine] == [1, 2, 3, 4]
    assert [s.chat_id for s in theirs] == [5, 6], "locked rows are skipped, not waited for"
    await claim_a.execute(
        "UPDATE subscriptions SET next_due = ? WHERE chat_id = 1", ("2026-05-05T12:00:00+00:00",)
    )
    await claim_a.release()
    await claim_b.release()
    claim_c, again = await claim_due(second, NOW, None, 10)
    assert [s.chat_id for s in again] == [2, 3, 4, 5, 6], "released: free again; 1 moved on"
    await claim_c.release()


async def test_a_claim_of_a_process_that_died_is_free_at_once(postgres_url):
    dying, survivor = await open_database(postgres_url), await open_database(postgres_url)
    await subscribers(survivor, 3)
    _claim, mine = await claim_due(dying, NOW, None, 3)
    assert len(mine) == 3
    dying.pool.terminate()  # the process is killed: its connections drop, nothing released
    dying.turns.terminate()
    claim_b, theirs = await claim_due(survivor, NOW, None, 3)
    assert [s.chat_id for s in theirs] == [1, 2, 3]
    await claim_b.release()
    await survivor.close()


async def test_one_chats_turn_is_held_by_one_process_at_a_time(two_on_postgres):
    first, second = two_on_postgres
    order: list[str] = []
    async with first.chat_turn(7):
        waiting = asyncio.create_task(_in_turn(second, 7, order, "second"))
        other_chat = asyncio.create_task(_in_turn(second, 8, order, "other chat"))
        await other_chat
        await asyncio.sleep(0.2)
        order.append("first done")
    await waiting
    assert order == ["other chat", "first done", "second"]


async def _in_turn(db, turn: int, order: list[str], name: str) -> None:
    async with db.chat_turn(turn):
        order.append(name)
