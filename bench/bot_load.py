"""Load on the whole Telegram bot: N simulated learners, graded answers per second and the
latency from sending an answer to receiving its grade (a benchmark, not a test).

    .venv/bin/python bench/bot_load.py                     # 100 learners, 20 s, 3 repeats
    .venv/bin/python bench/bot_load.py --learners 10 100 300 --seconds 20 --repeats 3
    .venv/bin/python bench/bot_load.py --no-profile        # skip the extra profiled run

Run it from the repository root. Only 127.0.0.1 is used; every run stops by itself.

How it is wired:

- The fake Bot API server (testing/fake_telegram.py) runs in a child process, on its own core.
  The simulated learners live in that process too: they push user messages straight into the
  fake and receive what the bot sends through a per-chat queue, so the harness costs the bot
  nothing and send and reply are timed on one clock. The parent talks to the child over a
  multiprocessing pipe (start, window opened/closed, results, stop).
- The bot runs in this (parent) process exactly as `python -m bot` wires it:
  `bot.telegram.app.build(Settings(...))` run by `serve`, long polling through the inbox, a
  fresh SQLite file in a
  temporary directory. TELEGRAM_MAX_RATE is set to 100000 on purpose: Telegram's own ~30
  messages/s broadcast limit would cap throughput at ~15 answers/s and is not what this
  measures.
- Each learner sends /start once (warm-up), then repeats: /quiz, wait for the question, send a
  40-80 word answer built from that question's model answer (faithful, shuffled, or half of it
  with filler, so grades vary), wait for the grade. Latency is from the answer's send to the
  fake receiving the grade's last message. Only cycles inside the measured window count
  (`--warmup` seconds of cycling come first).
- Each configuration runs `--repeats` times (fresh server, bot and database each time); the
  summary is the median of each figure across runs, and p99 over all samples pooled.
- Where the time goes: the bench patches a few classes in its own process (the bot's files
  are not changed) to timestamp when getUpdates delivered each answer and when its handler
  ran, to time grading and the database's write lock; both processes read one host clock
  (time.monotonic), so each answer's latency is cut into stages. CPU per answer comes from
  /proc (per thread: event loop, SQLite thread) and the child's process time. One more run is
  profiled with cProfile (the event loop thread); it is slower and not part of the medians.
- The bot polls with no pause between getUpdates calls, as `python -m bot` does. Against a
  fake on 127.0.0.1 that means a poll per update or two; against Telegram each poll takes a
  network round trip, so `--poll-interval 0.02` shows roughly what a 20 ms RTT would batch.
- The machine is shared: the load average is printed before and after each run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import cProfile
import logging
import multiprocessing
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ExtBot

from bot import runtime
from bot.config import Settings
from bot.grader import Grader
from bot.logs import setup_logging
from bot.telegram import app as telegram_app
from bot.telegram.app import CONCURRENT_UPDATES
from bot.telegram.handlers import Handlers
from content import Question, load_bank
from storage.sqlite import WriteTurns

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # testing/ is not installed
from testing.fake_telegram import FakeTelegram, SentCall

MAX_RATE = 100_000.0  # messages/s: lifts the bot's Telegram-sized rate limiter out of the way
FIRST_USER = 10_000
REPLY_TIMEOUT = 10.0  # s a learner waits for one reply before counting an error
STARTUP_TIMEOUT = 60.0
DRAIN_TIMEOUT = 12.0
TARGET_RATE = 300.0
TARGET_P99_MS = 250.0
FILLER = (
    "In my last project this came up quite a lot.",
    "I think that is the main idea behind it.",
    "Honestly I would check the documentation to be sure.",
    "That is how I remember it working in practice.",
    "We hit exactly this in production once.",
    "It depends a bit on the version you run.",
)
SCORE = re.compile(r"(\d+)/100")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def percentile(samples: list[float], share: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- the child process: fake Bot API server plus the simulated learners ---------------------


class LoadFake(FakeTelegram):
    """The fake, plus a queue per learner's chat of the messages the bot sends there."""

    def __init__(self) -> None:
        super().__init__(strict=False)
        self.inboxes: dict[int, asyncio.Queue[SentCall]] = {}

    def _record(self, call: SentCall) -> None:
        super()._record(call)
        inbox = self.inboxes.get(call.chat_id) if call.method == "sendMessage" else None
        if inbox is not None:
            inbox.put_nowait(call)


@dataclass
class Tally:
    """What the learners saw: (chat, message id, sent, replied, score) per graded answer."""

    graded: list[tuple[int, int, float, float, int]] = field(default_factory=list)
    ungraded: int = 0
    errors: Counter[str] = field(default_factory=Counter)


def make_answer(question: Question, rng: random.Random) -> str:
    """A 40-80 word answer from the model answer: faithful, shuffled, or half plus filler."""
    sentences = [s for s in SENTENCE_END.split(question.answer.strip()) if s]
    style = rng.random()
    if style < 0.4:
        picked = sentences
    elif style < 0.7:
        picked = rng.sample(sentences, len(sentences))
    else:
        picked = rng.sample(sentences, max(1, len(sentences) // 2)) + rng.sample(FILLER, 2)
    words = " ".join(picked).split()
    target = rng.randint(40, 80)
    while len(words) < target:
        words += rng.choice(FILLER).split()
    return " ".join(words[:target])


class Learners:
    """The simulated learners, one coroutine each, all in the fake's event loop."""

    def __init__(self, fake: LoadFake, count: int, seed: int) -> None:
        self.fake = fake
        self.users = list(range(FIRST_USER, FIRST_USER + count))
        self.seed = seed
        questions = load_bank().questions
        self.by_prompt = {q.prompt.strip(): q for q in questions}
        self.questions = questions
        self.tally = Tally()
        self.stop = asyncio.Event()
        for user in self.users:
            fake.add_private_chat(user, f"Learner{user}")
            fake.inboxes[user] = asyncio.Queue()

    async def next_message(self, user: int) -> SentCall:
        return await asyncio.wait_for(self.fake.inboxes[user].get(), REPLY_TIMEOUT)

    def drain(self, user: int) -> None:
        """Drop replies that came after a timeout, so the next cycle starts clean."""
        inbox = self.fake.inboxes[user]
        while not inbox.empty():
            inbox.get_nowait()
            self.tally.errors["late reply"] += 1

    def question_in(self, text: str) -> Question | None:
        for paragraph in text.split("\n\n"):
            question = self.by_prompt.get(paragraph.strip())
            if question is not None:
                return question
        return next((q for q in self.questions if q.prompt.strip() in text), None)

    async def start(self, user: int) -> None:
        self.fake.user_sends(user, "/start")
        intro = await self.next_message(user)
        if "Python interview practice" not in (intro.plain_text or ""):
            raise RuntimeError(f"unexpected answer to /start: {intro}")

    async def run(self, user: int) -> None:
        rng = random.Random(self.seed * 1_000_003 + user)
        while not self.stop.is_set():
            try:
                await self.cycle(user, rng)
            except TimeoutError:
                self.tally.errors["reply timeout"] += 1

    async def cycle(self, user: int, rng: random.Random) -> None:
        self.drain(user)
        self.fake.user_sends(user, "/quiz")
        asked = await self.next_message(user)
        question = self.question_in(asked.plain_text or "")
        if question is None:
            self.tally.errors[_error_kind(asked)] += 1
            return
        sent = time.monotonic()
        message = self.fake.user_sends(user, make_answer(question, rng))
        reply = await self.next_message(user)
        score = SCORE.search(reply.plain_text or "")
        if score is None:
            if "did not grade" in (reply.plain_text or ""):
                self.tally.ungraded += 1
            else:
                self.tally.errors[_error_kind(reply)] += 1
            return
        while reply.reply_markup is None:  # a long grade comes in several messages
            reply = await self.next_message(user)
        graded = (user, message["message_id"], sent, reply.time, int(score.group(1)))
        self.tally.graded.append(graded)


def _error_kind(call: SentCall) -> str:
    text = call.plain_text or ""
    if text.startswith("Sorry, something went wrong"):
        return "bot error reply"
    return "unexpected reply"


def serve(conn: Connection, learners: int, warmup: float, seconds: float, seed: int) -> None:
    """Child process entry point."""
    asyncio.run(_serve(conn, learners, warmup, seconds, seed))


async def _recv(conn: Connection, timeout: float) -> Any:
    """The next pipe message, without blocking the event loop; TimeoutError if none."""
    ready = await asyncio.get_running_loop().run_in_executor(None, conn.poll, timeout)
    if not ready:
        raise TimeoutError(f"no message from the other process within {timeout} s")
    return conn.recv()


async def _serve(conn: Connection, count: int, warmup: float, seconds: float, seed: int) -> None:
    fake = LoadFake()
    await fake.start()
    try:
        learners = Learners(fake, count, seed)
        conn.send({"root": fake.root, "token": fake.token})
        if await _recv(conn, STARTUP_TIMEOUT) != "go":
            return
        await asyncio.wait_for(
            asyncio.gather(*(learners.start(user) for user in learners.users)), STARTUP_TIMEOUT
        )
        tasks = [asyncio.create_task(learners.run(user)) for user in learners.users]
        await asyncio.sleep(warmup)
        opened, cpu0, requests0 = time.monotonic(), time.process_time(), fake.stats.requests
        methods0 = Counter(fake.stats.by_method)
        conn.send("window opened")
        await asyncio.sleep(seconds)
        closed, cpu1, requests1 = time.monotonic(), time.process_time(), fake.stats.requests
        methods1 = Counter(fake.stats.by_method)
        conn.send("window closed")
        learners.stop.set()
        _, late = await asyncio.wait(tasks, timeout=DRAIN_TIMEOUT)
        for task in late:
            task.cancel()
        tally = learners.tally
        inside = [g for g in tally.graded if g[2] >= opened and g[3] <= closed]
        conn.send(
            {
                "opened": opened,
                "window": closed - opened,
                "samples": inside,
                "ungraded": tally.ungraded,
                "errors": dict(tally.errors),
                "requests": requests1 - requests0,
                "requests_total": fake.stats.requests,
                "by_method": dict(methods1 - methods0),
                "non_200": {str(k): v for k, v in fake.stats.by_status.items() if k != 200 and v},
                "rejected": [r.description for r in fake.rejected[:3]],
                "rejected_count": len(fake.rejected),
                "fake_cpu": cpu1 - cpu0,
            }
        )
        await _recv(conn, STARTUP_TIMEOUT)  # "stop": the bot has shut down
    finally:
        await fake.stop()


# --- the parent process: the bot, and measurements of where its time goes -----------------


def thread_cpu() -> dict[str, float]:
    """CPU seconds per thread of this process, by role (Linux /proc; empty elsewhere)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    seconds: Counter[str] = Counter()
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return {}
    for tid in tasks:
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        name = names.get(int(tid), "")
        if name == "MainThread":
            role = "bot event loop (main thread)"
        elif "_connection_worker_thread" in name:
            role = "SQLite (aiosqlite thread)"
        else:
            role = "other threads"
        seconds[role] += used
    return dict(seconds)


STAGE: contextvars.ContextVar[dict[str, float]] = contextvars.ContextVar("bench_stage")


class TimedLock(WriteTurns):
    """The database's write turns, timed: how long writers queue for them and hold them."""

    def __init__(self, probe: Probe) -> None:
        super().__init__()
        self.probe = probe
        self.since = 0.0

    async def _acquire(self, urgent: bool) -> None:
        asked = time.monotonic()
        await super()._acquire(urgent)
        self.since = time.monotonic()
        self.probe.lock_waits.append((asked, self.since - asked))
        stage = STAGE.get(None)
        if stage is not None:
            stage["lock"] += self.since - asked

    def _release(self) -> None:
        self.probe.lock_holds.append((self.since, time.monotonic() - self.since))
        super()._release()


class Probe:
    """Timestamps and timers in the bot's process, installed once by patching classes (the
    bot's code is not changed): when getUpdates delivered each answer, when its handler
    started and ended, time spent grading, and the database's write lock."""

    def __init__(self) -> None:
        self.reset()
        self._patch_grader()
        self._patch_updates()
        self._patch_handler()
        self._patch_database()

    def reset(self) -> None:
        self.grades: list[tuple[float, float]] = []  # (start, seconds)
        self.arrived: dict[tuple[int, int], float] = {}
        self.handled: dict[tuple[int, int], tuple[float, float, float, float]] = {}
        self.lock_waits: list[tuple[float, float]] = []
        self.lock_holds: list[tuple[float, float]] = []

    def _patch_grader(self) -> None:
        original = Grader.grade

        def grade(grader: Grader, question: Question, answer: str):
            started = time.perf_counter()
            try:
                return original(grader, question, answer)
            finally:
                spent = time.perf_counter() - started
                self.grades.append((time.monotonic(), spent))
                stage = STAGE.get(None)
                if stage is not None:
                    stage["grade"] += spent

        Grader.grade = grade  # type: ignore[method-assign]

    def _patch_updates(self) -> None:
        original = ExtBot.get_updates

        async def get_updates(bot: ExtBot, *args: Any, **kwargs: Any):
            updates = await original(bot, *args, **kwargs)
            now = time.monotonic()
            for update in updates:
                if update.message is not None:
                    self.arrived[(update.message.chat_id, update.message.message_id)] = now
            return updates

        ExtBot.get_updates = get_updates  # type: ignore[method-assign]

    def _patch_handler(self) -> None:
        original = Handlers.on_text

        async def on_text(handlers: Handlers, update: Update, context: Any) -> None:
            started = time.monotonic()
            stage = {"lock": 0.0, "grade": 0.0}
            token = STAGE.set(stage)
            try:
                await original(handlers, update, context)
            finally:
                STAGE.reset(token)
                message = update.effective_message
                key = (message.chat_id, message.message_id)
                self.handled[key] = (started, time.monotonic(), stage["lock"], stage["grade"])

        Handlers.on_text = on_text  # type: ignore[method-assign]

    def _patch_database(self) -> None:
        original = runtime.open_database

        async def open_database(url: str | None):
            db = await original(url)
            if isinstance(getattr(db, "_writes", None), WriteTurns):
                db._writes = TimedLock(self)
            return db

        runtime.open_database = open_database


@dataclass
class Run:
    learners: int
    window: float
    latencies_ms: list[float]
    scores: list[int]
    stages_ms: dict[str, list[float]]
    ungraded: int
    errors: dict[str, int]
    requests: int
    requests_total: int
    by_method: dict[str, int]
    non_200: dict[str, int]
    rejected: list[str]
    rejected_count: int
    fake_cpu: float
    bot_cpu: dict[str, float]
    grade_seconds: list[float]
    lock_waits: list[float]
    lock_busy: float
    profile: pstats.Stats | None = None

    @property
    def graded(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.graded / self.window

    @property
    def error_count(self) -> int:
        return sum(self.errors.values()) + self.rejected_count + sum(self.non_200.values())

    def figures(self) -> dict[str, float]:
        return {
            "answers/s": self.rate,
            "p50": percentile(self.latencies_ms, 0.50),
            "p90": percentile(self.latencies_ms, 0.90),
            "p99": percentile(self.latencies_ms, 0.99),
            "max": max(self.latencies_ms, default=float("nan")),
            "requests/s": self.requests / self.window,
            "errors": float(self.error_count),
        }


def stages(samples: list, probe: Probe) -> dict[str, list[float]]:
    """Each answer's latency cut at the bot's timestamps (one host clock for both processes)."""
    cut: dict[str, list[float]] = {name: [] for name in STAGES}
    for chat, message_id, sent, replied, _ in samples:
        arrived = probe.arrived.get((chat, message_id))
        handled = probe.handled.get((chat, message_id))
        if arrived is None or handled is None:
            continue
        started, _, lock, grade = handled
        parts = (
            arrived - sent,
            started - arrived,
            lock,
            grade,
            replied - started - lock - grade,
        )
        for name, part in zip(STAGES, parts, strict=True):
            cut[name].append(part * 1000)
    return cut


STAGES = (
    "sent -> bot got it from getUpdates",
    "waiting in PTB (update queue, concurrency limit)",
    "handler: waiting for the DB write lock",
    "handler: grading",
    "handler: the rest (SQL awaits, PTB + HTTP send, loop)",
)


@dataclass
class RunningBot:
    application: Application
    stop: asyncio.Event
    serving: asyncio.Task[None]


async def start_bot(root: str, token: str, database_url: str, poll_interval: float) -> RunningBot:
    """As `python -m bot` does: initialize, post_init, start, long polling through the inbox
    (`poll_interval` is unused: the inbox polls again as soon as a batch is stored)."""
    settings = Settings(
        token=token, api_url=root, database_url=database_url, max_messages_per_second=MAX_RATE
    )
    application, services = telegram_app.build(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(telegram_app.serve(application, services, stop, ready))
    await ready.wait()
    return RunningBot(application, stop, serving)


async def stop_bot(running: RunningBot) -> None:
    running.stop.set()
    await running.serving


async def one_run(
    learners: int, args: argparse.Namespace, seed: int, probe: Probe, *, profile: bool
) -> Run:
    warmup, seconds = args.warmup, args.seconds
    context = multiprocessing.get_context("spawn")
    conn, child_conn = context.Pipe()
    child = context.Process(
        target=serve, args=(child_conn, learners, warmup, seconds, seed), daemon=True
    )
    child.start()
    probe.reset()
    application = None
    try:
        with tempfile.TemporaryDirectory(prefix="bot-load-") as folder:
            hello = await _recv(conn, STARTUP_TIMEOUT)
            database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            application = await start_bot(
                hello["root"], hello["token"], database_url, args.poll_interval
            )
            conn.send("go")
            timeout = STARTUP_TIMEOUT + warmup + seconds
            if await _recv(conn, timeout) != "window opened":
                raise RuntimeError("the load process did not open its window")
            profiler = cProfile.Profile() if profile else None
            cpu0 = thread_cpu()
            if profiler:
                profiler.enable()
            if await _recv(conn, seconds + STARTUP_TIMEOUT) != "window closed":
                raise RuntimeError("the load process did not close its window")
            if profiler:
                profiler.disable()
            cpu1 = thread_cpu()
            result = await _recv(conn, DRAIN_TIMEOUT + STARTUP_TIMEOUT)
            await stop_bot(application)
            application = None
            conn.send("stop")
    finally:
        if application is not None:
            with contextlib.suppress(Exception):
                await stop_bot(application)
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)
    opened, window = result.pop("opened"), result["window"]
    samples = result.pop("samples")

    def inside(events: list[tuple[float, float]]) -> list[float]:
        return [spent for at, spent in events if opened <= at <= opened + window]

    return Run(
        learners=learners,
        latencies_ms=[(replied - sent) * 1000 for _, _, sent, replied, _ in samples],
        scores=[score for *_, score in samples],
        stages_ms=stages(samples, probe),
        bot_cpu={role: cpu1.get(role, 0.0) - cpu0.get(role, 0.0) for role in cpu1},
        grade_seconds=inside(probe.grades),
        lock_waits=inside(probe.lock_waits),
        lock_busy=sum(inside(probe.lock_holds)) / window,
        profile=pstats.Stats(profiler) if profiler else None,
        **result,
    )


# --- the report -------------------------------------------------------------------------------

COMPONENTS = (  # (label, path fragments), first match wins; C functions are sorted below
    ("grading (bot/grader, rapidfuzz, stemmer)", ("/bot/grader/", "rapidfuzz", "snowball")),
    ("python-telegram-bot", ("/telegram/",)),
    ("HTTP client (httpx, httpcore, h11, anyio)", ("/httpx/", "/httpcore/", "/h11/", "/anyio/")),
    ("aiosqlite, event-loop side", ("/aiosqlite/",)),
    ("bot code (tutor, storage, render, core)", ("/bot/", "/storage/", "/content/")),
    ("rate limiter (aiolimiter)", ("/aiolimiter/",)),
    ("job queue (apscheduler)", ("/apscheduler/",)),
    ("JSON", ("/json/",)),
    ("asyncio event loop, sockets", ("/asyncio/", "selectors", "socket", "ssl")),
    ("logging", ("/logging/",)),
)
C_FUNCTIONS = (
    ("asyncio event loop, sockets", ("select", "epoll", "socket", "_asyncio", "recv", "send")),
    ("JSON", ("json", "encode", "decode")),
    ("grading (bot/grader, rapidfuzz, stemmer)", ("rapidfuzz", "stem", "re.Pattern")),
)


def component(function: tuple[str, int, str]) -> str:
    path, _, name = function
    if path == "~":
        for label, fragments in C_FUNCTIONS:
            if any(fragment in name for fragment in fragments):
                return label
        return "other C built-ins"
    path = path.replace("\\", "/")
    for label, fragments in COMPONENTS:
        if any(fragment in path for fragment in fragments):
            return label
    return "other Python"


IDLE = ("<method 'poll' of 'select.epoll' objects>", "<method 'select' of 'select.")


def report_profile(run: Run, loop_ms_per_answer: float) -> None:
    """cProfile's clock is wall time: the event loop's wait in epoll is idle, left out."""
    stats = run.profile
    assert stats is not None
    raw: dict = stats.stats  # type: ignore[attr-defined]
    idle = sum(entry[2] for (_, _, name), entry in raw.items() if name.startswith(IDLE))
    total = sum(entry[2] for entry in raw.values()) - idle or 1.0
    shares: Counter[str] = Counter()
    for function, entry in raw.items():
        if not function[2].startswith(IDLE):
            shares[component(function)] += entry[2] / total
    print(
        f"  event-loop time by component (cProfile self time without the {idle:.1f} s idle in "
        f"epoll; profiled run at {run.rate:.0f} answers/s, ms scaled to the unprofiled "
        f"{loop_ms_per_answer:.2f} ms/answer):"
    )
    for label, share in shares.most_common():
        if share >= 0.005:
            print(f"    {share:6.1%}  {share * loop_ms_per_answer:5.2f} ms  {label}")
    print("  top functions by self time:")
    ranked = sorted(
        (item for item in raw.items() if not item[0][2].startswith(IDLE)),
        key=lambda item: -item[1][2],
    )
    for (path, line, name), entry in ranked[:12]:
        where = f"{Path(path).parent.name}/{Path(path).name}:{line}" if path != "~" else ""
        print(f"    {entry[2] / total:6.1%}  {name} {where}")
    print("  inclusive time of key calls (coroutines: time while running, not while awaiting):")
    for label, (suffix, name) in INCLUSIVE.items():
        cumulative = sum(
            entry[3]
            for (path, _, function), entry in raw.items()
            if function == name and path.replace("\\", "/").endswith(suffix)
        )
        share = cumulative / total
        print(f"    {share:6.1%}  {share * loop_ms_per_answer:5.2f} ms  {label}")


INCLUSIVE = {
    "Tutor.answer (grade an answer, with its SQL)": ("bot/conversation/tutor.py", "answer"),
    "Practice.quiz (choose a question, with its SQL)": ("bot/conversation/practice.py", "quiz"),
    "Grader.grade": ("bot/grader/__init__.py", "grade"),
    "Bot.send_message (PTB + HTTP)": ("telegram/_bot.py", "send_message"),
    "Bot.get_updates (PTB + HTTP)": ("telegram/_bot.py", "get_updates"),
    "Update.de_json (parsing updates)": ("telegram/_update.py", "de_json"),
    "HTTPXRequest.do_request (httpx)": ("request/_httpxrequest.py", "do_request"),
    "httpcore pool bookkeeping": ("_async/connection_pool.py", "_assign_requests_to_connections"),
    "imports at run time (httpcore imports sniffio per request when missing)": (
        "<frozen importlib._bootstrap>",
        "_find_and_load",
    ),
}


def load_average() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def report(learners: int, runs: list[Run], profiled: Run | None) -> None:
    print(f"\n=== {learners} learners ===")
    for index, run in enumerate(runs, 1):
        figures = run.figures()
        cpu = ", ".join(f"{role} {used / run.window:.0%}" for role, used in run.bot_cpu.items())
        print(
            f"run {index}: {figures['answers/s']:6.1f} answers/s  p50 {figures['p50']:6.1f}  "
            f"p90 {figures['p90']:6.1f}  p99 {figures['p99']:6.1f}  max {figures['max']:6.1f} ms  "
            f"| fake answered {run.requests} requests ({figures['requests/s']:.0f}/s)  "
            f"errors {run.error_count}"
        )
        print(f"       CPU busy: {cpu}; fake process {run.fake_cpu / run.window:.0%}")
        if run.error_count:
            print(
                f"       errors: {run.errors} rejected={run.rejected_count} {run.rejected} "
                f"non-200={run.non_200}"
            )
    medians = {
        key: statistics.median(run.figures()[key] for run in runs) for key in runs[0].figures()
    }
    pooled = [sample for run in runs for sample in run.latencies_ms]
    scores = [score for run in runs for score in run.scores]
    print(
        f"median of {len(runs)} runs: {medians['answers/s']:.1f} graded answers/s, "
        f"p50 {medians['p50']:.1f} ms, p90 {medians['p90']:.1f} ms, p99 {medians['p99']:.1f} ms, "
        f"max {medians['max']:.1f} ms; fake answered {medians['requests/s']:.0f} requests/s; "
        f"errors {medians['errors']:.0f}"
    )
    print(
        f"p99 over all {len(pooled)} samples: {percentile(pooled, 0.99):.1f} ms; "
        f"total requests answered by the fake: {sum(run.requests_total for run in runs)}; "
        f"ungraded (non-answers): {sum(run.ungraded for run in runs)}"
    )
    if scores:
        quartiles = statistics.quantiles(scores, n=4)
        print(
            f"grades given: min {min(scores)}, quartiles {quartiles[0]:.0f}/"
            f"{quartiles[1]:.0f}/{quartiles[2]:.0f}, max {max(scores)}"
        )
    met = medians["answers/s"] >= TARGET_RATE and percentile(pooled, 0.99) < TARGET_P99_MS
    print(
        f"target (>= {TARGET_RATE:.0f} answers/s with p99 < {TARGET_P99_MS:.0f} ms): "
        f"{'met' if met else 'missed'}"
    )

    graded = sum(run.graded for run in runs) or 1
    window = sum(run.window for run in runs)
    print("where the time goes (all runs pooled):")
    print("  latency of an answer, by stage (ms):    mean    p50    p90    p99")
    for name in STAGES:
        cut = [part for run in runs for part in run.stages_ms[name]]
        if cut:
            print(
                f"    {name:<56} {statistics.fmean(cut):6.1f} {percentile(cut, 0.5):6.1f} "
                f"{percentile(cut, 0.9):6.1f} {percentile(cut, 0.99):6.1f}"
            )
    waits = [wait * 1000 for run in runs for wait in run.lock_waits]
    if waits:
        print(
            f"  DB write lock: {len(waits) / graded:.1f} acquisitions per answer, wait p50 "
            f"{percentile(waits, 0.5):.1f} ms, p99 {percentile(waits, 0.99):.1f} ms; held "
            f"{statistics.fmean(run.lock_busy for run in runs):.0%} of the time"
        )
    roles: Counter[str] = Counter()
    for run in runs:
        roles.update(run.bot_cpu)
    print("  CPU per graded answer:")
    for role, used in roles.most_common():
        if used:
            print(
                f"    {used / graded * 1000:6.2f} ms  {role} (busy {used / window:.0%} of the time)"
            )
    fake_cpu = sum(run.fake_cpu for run in runs)
    print(
        f"    {fake_cpu / graded * 1000:6.2f} ms  fake Bot API + learners, other process "
        f"(busy {fake_cpu / window:.0%})"
    )
    grades = [spent for run in runs for spent in run.grade_seconds]
    if grades:
        print(
            f"    {statistics.fmean(grades) * 1000:6.2f} ms  Grader.grade per call, timed "
            f"directly (part of the event loop's figure; p99 {percentile(grades, 0.99) * 1000:.2f})"
        )
    methods: Counter[str] = Counter()
    for run in runs:
        methods.update(run.by_method)
    per_answer = ", ".join(f"{name} {count / graded:.2f}" for name, count in methods.items())
    print(f"  HTTP requests per graded answer: {per_answer}")
    loop = roles.get("bot event loop (main thread)", 0.0)
    if profiled is not None and profiled.profile is not None:
        report_profile(profiled, loop / graded * 1000)


async def main_async(args: argparse.Namespace) -> None:
    probe = Probe()
    print(
        f"bot_load: {'/'.join(map(str, args.learners))} learners, {args.seconds:g} s measured "
        f"after {args.warmup:g} s warm-up, {args.repeats} repeat(s) each"
        f"{', plus one profiled run' if args.profile else ''}; {os.cpu_count()} CPUs; "
        f"PTB concurrent updates {CONCURRENT_UPDATES}; poll interval {args.poll_interval:g} s; "
        f"load average before: {load_average()}"
    )
    print(
        f"TELEGRAM_MAX_RATE={MAX_RATE:g}: Telegram's ~30 messages/s broadcast limit is lifted "
        "on purpose, this measures the bot, not Telegram's flood control. Fake Bot API in its "
        "own process; SQLite in a temporary directory; 127.0.0.1 only."
    )
    for learners in args.learners:
        runs = []
        for repeat in range(args.repeats):
            run = await one_run(learners, args, args.seed + repeat, probe, profile=False)
            print(
                f"  [{learners} learners, run {repeat + 1}: {run.rate:.1f} answers/s; "
                f"load average now {load_average()}]"
            )
            runs.append(run)
        profiled = None
        if args.profile:
            profiled = await one_run(learners, args, args.seed, probe, profile=True)
        report(learners, runs, profiled)


class FirstErrors(logging.Filter):
    """Let the first few error records through; count the rest (a broken bot logs one per
    update, which would bury the report)."""

    def __init__(self, shown: int = 3) -> None:
        super().__init__()
        self.shown = shown
        self.suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        if self.shown > 0:
            self.shown -= 1
            return True
        self.suppressed += 1
        return False


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, nargs="+", default=[100])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured cycling first")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=0.0,
        help="getUpdates pause, s (0 as in `python -m bot`; ~ the RTT to Telegram is realistic)",
    )
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args()
    setup_logging(args.log_level, [])
    errors = FirstErrors()
    for handler in logging.getLogger().handlers:
        handler.addFilter(errors)
    asyncio.run(main_async(args))
    if errors.suppressed:
        print(f"({errors.suppressed} more error log records were suppressed)")


if __name__ == "__main__":
    main()
