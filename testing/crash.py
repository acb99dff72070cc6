"""Crash and stop trials: the real bot as a process (`python -m bot`) against the fake Bot
API server, killed (or stopped) at a chosen instant during a burst, started again, and what
every learner got counted. Shared by tests/test_e2e_crash.py and bench/crash_trials.py."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage import open_database
from storage.learners import ensure_learner
from storage.pending import set_pending
from testing.database import rows
from testing.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
GIL_ANSWER = (
    "The GIL lets only one thread execute Python bytecode at a time; it protects reference "
    "counts. It is released during blocking I/O so threads suit I/O-bound work, while "
    "CPU-bound code should use multiprocessing."
)
TOPICS_REPLY = "Topics, with the questions"
FIRST_USER = 20_000


def bot_process(
    fake: FakeTelegram, database_url: str, root: Path = ROOT, rate: int = 1000
) -> subprocess.Popen[bytes]:
    """`python -m bot` (long polling) against the fake server, its output kept in files."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.root,
        "DATABASE_URL": database_url,
        "TELEGRAM_MAX_RATE": str(rate),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(root),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def exited(process: subprocess.Popen[bytes], timeout: float) -> float | None:
    """Seconds until the process exits (None if it is still running after `timeout`)."""
    start = time.monotonic()
    while process.poll() is None:
        if time.monotonic() - start > timeout:
            return None
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def polling(
    fake: FakeTelegram, process: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    """Wait until the bot has asked for updates once."""
    deadline = time.monotonic() + timeout
    while fake.stats.by_method["getUpdates"] < 1:
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the bot did not start polling (exit code {process.poll()})")
        await asyncio.sleep(0.02)


async def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    if await exited(process, 15) is None:
        process.kill()
        process.wait()


def attempts_per_user(database_url: str) -> Counter[int]:
    return Counter(user for (user,) in rows(database_url, "SELECT user_id FROM attempts"))


@dataclass
class CrashResult:
    """One kill -9 trial: each learner answered a pending question and pressed a button."""

    kill_after: float
    learners: int
    handled_before_kill: int  # grades and button replies sent before the kill
    lost_answers: int  # answers with no attempt stored after the restart
    doubled_answers: int  # attempts beyond one per answer
    grades_not_shown: int  # learners whose grade never reached them
    grades_shown_twice: int
    presses_lost: int  # presses that got no reply
    presses_doubled: int

    @property
    def clean(self) -> bool:
        return not (
            self.lost_answers
            or self.doubled_answers
            or self.grades_not_shown
            or self.grades_shown_twice
            or self.presses_lost
            or self.presses_doubled
        )


async def crash_trial(
    folder: Path, kill_after: float, learners: int = 30, root: Path = ROOT
) -> CrashResult:
    """Learners with a pending question each answer it and press a button at once; the bot
    is killed (SIGKILL) `kill_after` seconds later, started again, and given time to finish."""
    database_url = f"sqlite:///{folder / 'crash.db'}"
    users = range(FIRST_USER, FIRST_USER + learners)
    now = datetime.now(UTC)
    db = await open_database(database_url)
    try:
        for user in users:
            await ensure_learner(db, user, f"L{user}", now)
            await set_pending(db, user, user, "gil", now)
    finally:
        await db.close()
    async with FakeTelegram(strict=False) as fake:
        for user in users:
            fake.add_private_chat(user, f"L{user}")
        first = bot_process(fake, database_url, root)
        try:
            await polling(fake, first)
            for user in users:
                fake.user_sends(user, GIL_ANSWER)
                fake.user_presses(user, 1, "topics", forged=True)
            await asyncio.sleep(kill_after)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        handled = sum(len(fake.messages_to(user)) for user in users)
        second = bot_process(fake, database_url, root)
        try:
            await _settled(fake, users, timeout=20)
        finally:
            await stop(second)
        grades = {
            u: sum("/100" in (m.plain_text or "") for m in fake.messages_to(u)) for u in users
        }
        topics = {
            u: sum(TOPICS_REPLY in (m.plain_text or "") for m in fake.messages_to(u)) for u in users
        }
    stored = attempts_per_user(database_url)
    return CrashResult(
        kill_after,
        learners,
        handled,
        lost_answers=sum(1 for u in users if stored[u] == 0),
        doubled_answers=sum(max(0, stored[u] - 1) for u in users),
        grades_not_shown=sum(1 for u in users if grades[u] == 0),
        grades_shown_twice=sum(max(0, grades[u] - 1) for u in users),
        presses_lost=sum(1 for u in users if topics[u] == 0),
        presses_doubled=sum(max(0, topics[u] - 1) for u in users),
    )


async def _settled(fake: FakeTelegram, users: range, timeout: float) -> None:
    """Wait until every learner has a grade and a button reply (or `timeout`), then a
    moment more for anything doubled to show."""
    deadline = time.monotonic() + timeout

    def done(user: int) -> bool:
        texts = [m.plain_text or "" for m in fake.messages_to(user)]
        return any("/100" in t for t in texts) and any(TOPICS_REPLY in t for t in texts)

    while not all(done(u) for u in users) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)


@dataclass
class StopResult:
    """One SIGTERM trial: `updates` commands queued, the bot stopped in the middle."""

    updates: int
    replied_before_stop: int
    replied_at_exit: int  # replies sent by the time the stopped process had exited
    exit_seconds: float | None  # None: still running after 15 s (then killed)
    lost: int  # commands without a reply after the restart
    doubled: int  # replies beyond one per command


async def stop_trial(
    folder: Path, updates: int = 2000, stop_after_replies: int = 100, root: Path = ROOT
) -> StopResult:
    """`updates` learners each send /streak before the bot starts; once some replies are out
    the bot gets SIGTERM, is timed to its exit, started again and given time to finish."""
    database_url = f"sqlite:///{folder / 'stop.db'}"
    users = range(FIRST_USER, FIRST_USER + updates)
    async with FakeTelegram(strict=False) as fake:
        for user in users:
            fake.add_private_chat(user, f"L{user}")
            fake.user_sends(user, "/streak")
        first = bot_process(fake, database_url, root)
        try:
            await polling(fake, first)
            while fake.stats.delivered_total < stop_after_replies and first.poll() is None:
                await asyncio.sleep(0.01)
            replied = fake.stats.delivered_total
            first.send_signal(signal.SIGTERM)
            exit_seconds = await exited(first, 15)
            replied_at_exit = fake.stats.delivered_total
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        second = bot_process(fake, database_url, root)
        try:
            deadline = time.monotonic() + 60
            while fake.stats.delivered_total < updates and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
        finally:
            await stop(second)
        counts = [len(fake.messages_to(user)) for user in users]
    return StopResult(
        updates,
        replied,
        replied_at_exit,
        exit_seconds,
        lost=sum(1 for c in counts if c == 0),
        doubled=sum(max(0, c - 1) for c in counts),
    )
