"""A fleet: several `python -m bot` webhook workers sharing one PostgreSQL database, behind
the fake Bot API's webhook delivery (round-robin, concurrent, with duplicate deliveries).
Every answer is graded once and in order, a worker killed mid-conversation loses nothing,
pushes running at once send each subscriber one message, and a database restart is
survived."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.telegram.handlers import SORRY
from storage import open_database
from storage.subscriptions import Subscription, subscribe
from testing.database import rows
from testing.fake_telegram import FakeTelegram
from testing.fleet import push_now, secret, stop_processes, webhook_worker, worker_url
from testing.postgres import free_port

LEARNERS = list(range(31_001, 31_007))
ROUNDS = 3
STREAK = "Current streak"
GRADE = "/100"
START_SECONDS = 90.0  # a worker's first answer waits for its start (2 cores, 3 processes)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        for user in LEARNERS:
            server.add_private_chat(user)
        yield server


class Fleet:
    """Worker processes on their own ports; a killed one can be started again in its place."""

    def __init__(self, fake: FakeTelegram, database_url: str, folder) -> None:
        self.fake = fake
        self.database_url = database_url
        self.folder = folder
        self.ports: list[int] = []
        self.workers = []

    def start(self, count: int) -> None:
        self.ports = [free_port() for _ in range(count)]
        self.workers = [self._worker(n) for n in range(count)]

    def _worker(self, n: int):
        log = self.folder / f"worker-{n}.log"
        return webhook_worker(self.fake, self.database_url, self.ports[n], log)

    def kill(self, n: int) -> None:
        self.workers[n].send_signal(signal.SIGKILL)
        self.workers[n].wait()

    def restart(self, n: int) -> None:
        self.workers[n] = self._worker(n)

    def alive(self) -> bool:
        return all(worker.poll() is None for worker in self.workers)

    def stop(self) -> None:
        stop_processes(self.workers)

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.folder.glob("*.log")))


@asynccontextmanager
async def fleet_of(
    fake: FakeTelegram, database_url: str, folder, count: int, duplicates: float = 0.0
) -> AsyncIterator[Fleet]:
    fleet = Fleet(fake, database_url, folder)
    fleet.start(count)
    urls = [worker_url(port) for port in fleet.ports]
    fake.deliver_webhooks(urls, secret(fake), duplicates=duplicates, seed=7)
    try:
        yield fleet
    finally:
        await fake.stop_webhooks()
        fleet.stop()


async def texts_until(
    fake: FakeTelegram,
    chat: int,
    since: int,
    done: Callable[[list[str]], bool],
    fleet: Fleet,
    timeout: float = START_SECONDS,
) -> list[str]:
    """The chat's messages after the first `since`, once `done` holds for them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        texts = [message.plain_text for message in fake.messages_to(chat)[since:]]
        if done(texts):
            return texts
        if loop.time() > deadline:
            raise AssertionError(f"chat {chat} got {texts}\n{fleet.logs()[-4000:]}")
        await asyncio.sleep(0.05)


def count(texts: list[str], part: str) -> int:
    return sum(part in text for text in texts)


async def answer_round(fake: FakeTelegram, fleet: Fleet, user: int) -> None:
    """Ask for a question, wait for it, then answer it and ask for the streak at once (two
    updates of one chat in flight together); wait for both replies."""
    before = len(fake.messages_to(user))
    fake.user_sends(user, "/topic gil")
    await texts_until(fake, user, before, lambda texts: len(texts) >= 1, fleet)
    before = len(fake.messages_to(user))
    fake.user_sends(user, "one lock, so threads take turns running bytecode")
    fake.user_sends(user, "/streak")
    await texts_until(
        fake,
        user,
        before,
        lambda texts: count(texts, GRADE) >= 1 and count(texts, STREAK) >= 1,
        fleet,
    )


def graded_messages(database_url: str, user: int) -> list[int]:
    """The learner's messages that were graded, in the order they were graded."""
    found = rows(
        database_url, "SELECT message_id FROM attempts WHERE user_id = ? ORDER BY id", (user,)
    )
    return [message_id for (message_id,) in found]


def assert_each_answer_graded_once(fake: FakeTelegram, database_url: str) -> None:
    for user in LEARNERS:
        texts = [message.plain_text for message in fake.messages_to(user)]
        assert count(texts, GRADE) == ROUNDS, texts
        assert count(texts, STREAK) == ROUNDS, texts
        graded = graded_messages(database_url, user)
        assert len(graded) == ROUNDS and graded == sorted(graded), graded


async def test_every_answer_is_graded_once_and_in_order_across_three_workers(
    fake, postgres_url, tmp_path
):
    async with fleet_of(fake, postgres_url, tmp_path, 3, duplicates=0.5) as fleet:
        for _ in range(ROUNDS):
            await asyncio.gather(*(answer_round(fake, fleet, user) for user in LEARNERS))
        await fake.webhooks_idle(30)
        await asyncio.sleep(0.5)  # a late duplicate would show here as a second reply
        assert fleet.alive()
    assert_each_answer_graded_once(fake, postgres_url)
    delivered = [attempt for attempt in fake.webhook_deliveries if attempt.ok]
    assert {attempt.url for attempt in delivered} == {worker_url(p) for p in fleet.ports}
    per_update = [attempt.update_id for attempt in delivered]
    assert len(per_update) > len(set(per_update)), "some updates were delivered twice"


async def test_a_worker_killed_mid_conversation_loses_nothing(fake, postgres_url, tmp_path):
    async with fleet_of(fake, postgres_url, tmp_path, 3) as fleet:
        await asyncio.gather(*(answer_round(fake, fleet, user) for user in LEARNERS))
        rounds = asyncio.gather(*(answer_round(fake, fleet, user) for user in LEARNERS))
        await asyncio.sleep(0.3)
        fleet.kill(0)  # SIGKILL, with updates of this round on their way to it or in it
        fleet.restart(0)  # the host starts it again
        await rounds
        await asyncio.gather(*(answer_round(fake, fleet, user) for user in LEARNERS))
        await fake.webhooks_idle(30)
    assert_each_answer_graded_once(fake, postgres_url)


async def test_pushes_running_at_once_send_each_subscriber_one_message(
    fake, postgres_url, tmp_path
):
    subscribers = list(range(32_001, 32_301))
    for chat in subscribers:
        fake.add_private_chat(chat)
    now = datetime.now(UTC)
    due = now - timedelta(seconds=1)
    db = await open_database(postgres_url)
    for chat in subscribers:
        await subscribe(db, Subscription(chat, chat, False, "UTC", due.time(), due, True), now)
    await db.close()
    async with fleet_of(fake, postgres_url, tmp_path, 2) as fleet:
        pushes = [push_now(fake, postgres_url, tmp_path / f"push-{n}.log") for n in range(2)]
        for chat in subscribers:
            await texts_until(fake, chat, 0, lambda texts: len(texts) >= 1, fleet)
        for push in pushes:
            while push.poll() is None:
                await asyncio.sleep(0.05)
            assert push.returncode == 0, fleet.logs()[-4000:]
        await asyncio.sleep(1.0)  # a second message would show here
    assert [len(fake.messages_to(chat)) for chat in subscribers] == [1] * len(subscribers)
    assert fake.duplicates() == 0
    [(sent,)] = rows(postgres_url, "SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
    assert sent == len(subscribers)


async def test_a_database_restart_is_survived(fake, postgres_url, postgres_cluster, tmp_path):
    async with fleet_of(fake, postgres_url, tmp_path, 2) as fleet:
        await asyncio.gather(*(answer_round(fake, fleet, user) for user in LEARNERS))
        before = {user: len(fake.messages_to(user)) for user in LEARNERS}
        for user in LEARNERS:
            fake.user_sends(user, "/streak")
        postgres_cluster.restart()  # with those updates arriving and being handled
        for user in LEARNERS:  # each gets its answer, or the apology if it failed
            await texts_until(
                fake,
                user,
                before[user],
                lambda texts: count(texts, STREAK) + count(texts, SORRY) >= 1,
                fleet,
            )
        for _ in range(ROUNDS - 1):
            await asyncio.gather(*(answer_round(fake, fleet, user) for user in LEARNERS))
        assert fleet.alive(), fleet.logs()[-4000:]
    for user in LEARNERS:
        assert len(graded_messages(postgres_url, user)) == ROUNDS


def children(pid: int) -> set[int]:
    """The processes `pid` started (from /proc)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
            if fields.get("PPid", "").strip() == str(pid):
                found.add(int(status.parent.name))
    return found


async def test_web_concurrency_workers_share_one_port_and_a_dead_one_comes_back(
    fake, postgres_url, tmp_path
):
    port = free_port()
    parent = webhook_worker(fake, postgres_url, port, tmp_path / "workers.log", processes=2)
    fake.deliver_webhooks([worker_url(port)], secret(fake), duplicates=0.3, seed=3)
    fleet = Fleet(fake, postgres_url, tmp_path)
    fleet.workers = [parent]
    try:
        await asyncio.gather(*(answer_round(fake, fleet, user) for user in LEARNERS))
        workers = children(parent.pid)
        assert len(workers) == 2
        os.kill(next(iter(workers)), signal.SIGKILL)
        for _ in range(ROUNDS - 1):
            await asyncio.gather(*(answer_round(fake, fleet, user) for user in LEARNERS))
        assert len(children(parent.pid)) == 2, "the dead worker was started again"
        assert parent.poll() is None
        await fake.webhooks_idle(30)
    finally:
        await fake.stop_webhooks()
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(30) == 0
    assert children(parent.pid) == set()
    assert_each_answer_graded_once(fake, postgres_url)
