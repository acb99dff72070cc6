"""The question-of-the-day push at scale, against the fake Bot API server (not a test).

    .venv/bin/python bench/daily_push.py                   # both scenarios, about 10 minutes
    .venv/bin/python bench/daily_push.py --scenario 1000   # paid broadcast only, about 4 min
    .venv/bin/python bench/daily_push.py --scenario 30 --subscribers 2000 --small 0  # 70 s

Run it from the repository root. Only 127.0.0.1 is used; a push is killed if it outlives its
time bound (twice its expected time, reckoning at most 250 deliveries/s, plus a minute).

Options: --subscribers N (the main count, 10,000), --scenario 30|1000|both, --repeats R (main
runs per scenario, 1), --small N (memory comparison, 1,000; 0 skips), --large N (1,000/s
only, 20,000; 0 skips). For the 1,000/s bound: --workers 2,32 (also run the push with these
worker counts; "" skips), --stages/--no-stages (an instrumented run timing each step of a
delivery), --db-probe N (storage alone, N deliveries; 0 skips), --latency MS (50; 0 skips)
with --latency-workers 8,32,96 and --latency-subscribers N (3,000): the fake waits MS before
handling each sendMessage, as a real network's round trip would, and the push runs with each
worker count; --profile (a cProfile run of the event-loop thread, by package).

Scenario 30: the fake enforces Telegram's 30 messages/s (FloodLimits(per_second=30)) and the
bot runs with TELEGRAM_MAX_RATE=30, so the push paces itself at 97 % of it (29.1/s): 10,000
subscribers take about 6 minutes. Scenario 1000: paid broadcast, FloodLimits(per_second=30,
paid_per_second=1000), TELEGRAM_MAX_RATE=1000 and TELEGRAM_PAID_BROADCAST=1.

How a run is wired: a fresh SQLite file in a temp dir is filled with N private subscriptions,
all due now (storage.subscriptions.subscribe, in one transaction; open_database migrates). The
fake server runs in its own process (this script with --serve-fake) with N private chats and
answers "stats" on stdin with its counters as one JSON line. The push is
`python -m bot daily --now`, a subprocess with the production environment variables, as a
cron host runs it. The probes of the 1,000/s bound run the same entry point through this
script (--run-push) with one thing changed: the worker count, timers around the steps of a
delivery, or cProfile.

Measured per run: the subprocess's wall time; the delivered rate (deliveries - 1 over the time
from the first to the last delivery, stamped by the fake); deliveries per whole 1 s window
(median, p99, min, max) and in any sliding 1 s; gaps between deliveries; lost (subscribers
with no message), duplicates (more messages than the question of the day takes), the share
of sendMessage requests answered 429; the subprocess's peak RSS (ru_maxrss from wait4, that
process alone) and VmRSS at the first and last delivery; CPU while delivering, from /proc:
the bot's main thread (the event loop), its other threads (chiefly aiosqlite's SQLite
thread), the fake, and everything else on the machine (other load skews the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = str(Path(__file__).resolve())
TOKEN = "123456:BENCH-TOKEN"
FIRST_CHAT = 10_000_000
PUSH_SHARE = 0.97  # bot.telegram.app.PUSH_SHARE_OF_RATE, restated for the report
WORKERS = 8  # bot.telegram.push.WORKERS, restated for the report
SLOWEST_EXPECTED = 250.0  # deliveries/s assumed at most when bounding a run's time
STARTUP_ALLOWANCE = 60.0  # seconds for imports, migrations and the fake's start
SAMPLE_EVERY = 0.2  # seconds between /proc samples
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Scenario:
    name: str
    max_rate: float
    paid: bool
    per_second: float
    paid_per_second: float

    @property
    def label(self) -> str:
        return f"{self.name}/s" + (" paid broadcast" if self.paid else "")

    @property
    def pace(self) -> float:
        return self.max_rate * PUSH_SHARE


SCENARIOS = {
    "30": Scenario("30", 30, paid=False, per_second=30, paid_per_second=1000),
    "1000": Scenario("1000", 1000, paid=True, per_second=30, paid_per_second=1000),
}


# --- the fake server, in its own process --------------------------------------------------


async def serve_fake(chats: int, per_second: float, paid_per_second: float, latency: float) -> None:
    """FakeTelegram with `chats` private chats: print its root, then answer "stats" lines.
    `latency`: seconds every sendMessage waits before it is handled (a network's round trip),
    scripted with the fake's own fail_next(status=None, delay=...)."""
    sys.path.insert(0, str(ROOT))
    from testing.fake_telegram import FakeTelegram, FloodLimits

    limits = FloodLimits(per_second=per_second, paid_per_second=paid_per_second)
    fake = FakeTelegram(TOKEN, flood=limits)
    await fake.start()
    ids = range(FIRST_CHAT, FIRST_CHAT + chats)
    for chat_id in ids:
        fake.add_private_chat(chat_id)
    if latency:
        fake.fail_next(2 * chats + 1000, method="sendMessage", status=None, delay=latency)
    print(json.dumps({"root": fake.root}), flush=True)
    loop = asyncio.get_running_loop()
    while (await loop.run_in_executor(None, sys.stdin.readline)).strip() == "stats":
        print(json.dumps(_snapshot(fake, ids)), flush=True)
    fake.strict = False  # rejections are in the snapshot; stopping must not raise
    await fake.stop()


def _snapshot(fake, ids: range) -> dict:
    delivered = fake.stats.delivered
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "requests": fake.stats.requests,
        "by_method": dict(fake.stats.by_method),
        "by_status": {str(status): n for status, n in fake.stats.by_status.items()},
        "histogram": {str(n): k for n, k in Counter(delivered[c] for c in ids).items()},
        "times": sorted(call.time for call in fake.sent if call.method == "sendMessage"),
        "rejected": len(fake.rejected),
        "rejected_examples": [r.description for r in fake.rejected[:3]],
        "cpu": usage.ru_utime + usage.ru_stime,
    }


class FakeServer:
    """The fake's process: started with its chats, asked for its counters, stopped."""

    def __init__(self, scenario: Scenario, chats: int, log: Path, latency: float = 0.0) -> None:
        command = [sys.executable, SCRIPT, "--serve-fake", str(chats)]
        command += [str(scenario.per_second), str(scenario.paid_per_second), str(latency)]
        self.log = log.open("w")
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True
        )
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError(f"the fake server did not start: {log.read_text()[-2000:]}")
        self.root = json.loads(line)["root"]

    def stats(self) -> dict:
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- the database -------------------------------------------------------------------------


async def fill_database(url: str, subscribers: int) -> datetime:
    """`subscribers` private subscriptions in UTC, all due now; returns the due time."""
    from storage import open_database
    from storage.subscriptions import Subscription, subscribe

    now = datetime.now(UTC).replace(microsecond=0)
    db = await open_database(url)
    try:
        for chat_id in range(FIRST_CHAT, FIRST_CHAT + subscribers):
            subscription = Subscription(chat_id, chat_id, False, "UTC", now.time(), now, True)
            await subscribe(db, subscription, now)
    finally:
        await db.close()
    return now


def messages_per_delivery(due_at: datetime) -> int:
    """How many messages the question of the day takes (the same for every private chat)."""
    from bot.conversation.daily import DailyQuestions
    from bot.render.markup import HTML
    from content import load_bank
    from storage.subscriptions import Subscription

    daily = DailyQuestions(None, load_bank(), HTML)
    subscription = Subscription(1, 1, False, "UTC", due_at.time(), due_at, True)
    return len(daily.due(subscription).reply.messages())


# --- probes: the production entry point with one thing changed -----------------------------


def run_push(workers: int, stages: str | None, profile: str | None) -> int:
    """`python -m bot daily --now` with another worker count, step timers, or cProfile."""
    from bot.cli import main
    from bot.telegram.push import DailyPush

    if workers:
        DailyPush.__init__.__kwdefaults__["workers"] = workers
    if stages:
        instrument(stages)
    if not profile:
        return main(["daily", "--now"])
    import cProfile

    profiler = cProfile.Profile()
    try:
        return profiler.runcall(main, ["daily", "--now"])
    finally:
        profiler.dump_stats(profile)


def instrument(path: str) -> None:
    """Time each step of DailyPush._work and the Database's write lock; JSON to `path` at exit.

    Steps: the pacer's wait, the claim (one write), the send (HTTP through PTB), `delivered`
    (remember the message, read and set the pending question: two writes, one read) and the
    finish (one transaction of two updates)."""
    import atexit

    import bot.telegram.push as push
    from bot.conversation.daily import DailyQuestions
    from storage.sqlite import SqliteDatabase as Database

    steps: dict[str, list[float]] = {}
    lock = {"held": 0.0, "count": 0, "start": 0.0, "end": 0.0}

    def timed(name, function):
        @functools.wraps(function)
        async def wrapper(*args, **kwargs):
            start = time.perf_counter()
            if not lock["start"] and name == "claim":
                lock["start"] = start  # the lock counts from the first claim on
            try:
                return await function(*args, **kwargs)
            finally:
                steps.setdefault(name, []).append(time.perf_counter() - start)

        return wrapper

    class TimedLock(asyncio.Lock):
        async def acquire(self) -> bool:
            await super().acquire()
            self.taken = time.perf_counter()
            return True

        def release(self) -> None:
            now = time.perf_counter()
            if lock["start"]:
                lock["held"] += now - self.taken
                lock["count"] += 1
                lock["end"] = now
            super().release()

    original_init = Database.__init__

    def init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        self._write_lock = TimedLock()

    def dump() -> None:
        summary = {
            name: {
                "n": len(samples),
                "mean": statistics.fmean(samples) * 1000,
                "median": statistics.median(samples) * 1000,
                "p99": percentile(samples, 0.99) * 1000,
            }
            for name, samples in steps.items()
        }
        Path(path).write_text(json.dumps({"steps": summary, "lock": lock}))

    push.Pacer.wait = timed("pacer", push.Pacer.wait)
    push.claim_delivery = timed("claim", push.claim_delivery)
    push.DailyPush._deliver = timed("send", push.DailyPush._deliver)
    DailyQuestions.delivered = timed("delivered", DailyQuestions.delivered)
    push.finish_delivery = timed("finish", push.finish_delivery)
    Database.__init__ = init
    atexit.register(dump)


# --- measuring a run ----------------------------------------------------------------------


@dataclass
class Sample:
    at: float  # time.monotonic(): the clock the fake stamps deliveries with
    main_cpu: float  # the bot's main thread (the event loop), seconds
    other_cpu: float  # the bot's other threads (aiosqlite's SQLite thread, executors)
    fake_cpu: float
    machine_cpu: float  # every CPU of the machine, busy seconds
    rss_kb: int


def _ticks(stat_line: str) -> tuple[int, int]:
    fields = stat_line.rpartition(")")[2].split()
    return int(fields[11]), int(fields[12])  # utime, stime


def _thread_cpu(pid: int) -> tuple[float, float] | None:
    main = other = 0.0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                seconds = sum(_ticks(stat.read())) / CLOCK_TICK
            if int(tid) == pid:
                main += seconds
            else:
                other += seconds
    except (FileNotFoundError, ProcessLookupError):
        return None
    return main, other


def _process_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return sum(_ticks(stat.read())) / CLOCK_TICK
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def _machine_cpu() -> float:
    with open("/proc/stat") as stat:
        fields = [int(n) for n in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICK  # guest time is already in user


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


@dataclass
class Run:
    scenario: Scenario
    subscribers: int
    workers: int = WORKERS
    latency: float = 0.0  # seconds the fake waited before handling each sendMessage
    wall: float = 0.0
    returncode: int | None = None
    timed_out: bool = False
    report: str = ""
    peak_rss_mb: float = 0.0
    cpu: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0
    stats: dict = field(default_factory=dict)
    per_delivery: int = 1
    steps: dict = field(default_factory=dict)

    @property
    def times(self) -> list[float]:
        return self.stats.get("times", [])

    @property
    def delivered(self) -> int:
        return len(self.times)

    @property
    def span(self) -> float:
        return self.times[-1] - self.times[0] if self.delivered > 1 else 0.0

    @property
    def rate(self) -> float:
        return (self.delivered - 1) / self.span if self.span else 0.0

    @property
    def histogram(self) -> dict[int, int]:
        return {int(n): k for n, k in self.stats.get("histogram", {}).items()}

    @property
    def lost(self) -> int:
        return self.histogram.get(0, 0)

    @property
    def partial(self) -> int:
        return sum(k for n, k in self.histogram.items() if 0 < n < self.per_delivery)

    @property
    def duplicates(self) -> int:
        return sum(k for n, k in self.histogram.items() if n > self.per_delivery)

    @property
    def send_requests(self) -> int:
        return self.stats.get("by_method", {}).get("sendMessage", 0)

    @property
    def too_many(self) -> int:
        return self.stats.get("by_status", {}).get("429", 0)

    @property
    def share_429(self) -> float:
        return self.too_many / self.send_requests if self.send_requests else 0.0

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def windows(self) -> list[int]:
        """Deliveries in each whole 1 s window, counted from the first delivery."""
        whole = int(self.span)
        counts = [0] * whole
        for moment in self.times:
            index = int(moment - self.times[0])
            if index < whole:
                counts[index] += 1
        return counts

    def sliding_max(self) -> int:
        """The most deliveries in any 1 s interval."""
        best = start = 0
        for end, moment in enumerate(self.times):
            while moment - self.times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def gaps_ms(self) -> list[float]:
        return [(b - a) * 1000 for a, b in zip(self.times, self.times[1:], strict=False)]

    def while_delivering(self) -> dict[str, float] | None:
        """Cores used between the first and the last delivery (the samples nearest them)."""
        if not self.times:
            return None
        inside = [s for s in self.samples if self.times[0] <= s.at <= self.times[-1]]
        if len(inside) < 2:
            return None
        a, b = inside[0], inside[-1]
        elapsed = b.at - a.at
        main, other = b.main_cpu - a.main_cpu, b.other_cpu - a.other_cpu
        fake = b.fake_cpu - a.fake_cpu
        rest = b.machine_cpu - a.machine_cpu - main - other - fake
        return {
            "main": main / elapsed,
            "other": other / elapsed,
            "fake": fake / elapsed,
            "rest": max(0.0, rest / elapsed),
            "rss_first": inside[0].rss_kb / 1024,
            "rss_last": inside[-1].rss_kb / 1024,
        }


def time_bound(scenario: Scenario, subscribers: int, workers: int, latency: float) -> float:
    """The longest a push may take before it is killed: twice its time, plus a minute."""
    slowest = min(scenario.pace, SLOWEST_EXPECTED, workers / latency if latency else math.inf)
    return 2 * subscribers / slowest + STARTUP_ALLOWANCE


def measure_push(
    scenario: Scenario,
    subscribers: int,
    *,
    workers: int = 0,
    stages: bool = False,
    profile: str | None = None,
    latency: float = 0.0,
) -> Run:
    """One push of `subscribers` due subscriptions; `workers`, `stages`, `profile`, `latency`
    (seconds the fake waits before handling each sendMessage): probes."""
    run = Run(scenario, subscribers, workers or WORKERS, latency=latency)
    with tempfile.TemporaryDirectory(prefix="daily-push-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bot.db'}"
        due_at = asyncio.run(fill_database(url, subscribers))
        run.per_delivery = messages_per_delivery(due_at)
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": url,
            "TELEGRAM_MAX_RATE": f"{scenario.max_rate:g}",
            "LOG_LEVEL": "INFO",
        }
        env.pop("TELEGRAM_PAID_BROADCAST", None)
        if scenario.paid:
            env["TELEGRAM_PAID_BROADCAST"] = "1"
        command = [sys.executable, "-m", "bot", "daily", "--now"]
        steps_path = Path(tmp) / "steps.json"
        if workers or stages or profile:
            command = [sys.executable, SCRIPT, "--run-push", "--push-workers", str(workers)]
            command += ["--steps-out", str(steps_path)] if stages else []
            command += ["--profile-out", profile] if profile else []
        fake = FakeServer(scenario, subscribers, Path(tmp) / "fake.log", latency)
        try:
            env["TELEGRAM_API_URL"] = fake.root
            bound = time_bound(scenario, subscribers, run.workers, latency)
            _watch(run, command, env, Path(tmp), fake, bound)
            run.stats = fake.stats()
        finally:
            fake.stop()
        if stages and steps_path.exists():
            run.steps = json.loads(steps_path.read_text())
    return run


def _watch(
    run: Run, command: list[str], env: dict, tmp: Path, fake: FakeServer, bound: float
) -> None:
    """Run the push, sampling /proc until it exits or outlives `bound` (then kill it)."""
    out_path, err_path = tmp / "push.out", tmp / "push.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        run.started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            now = time.monotonic()
            threads = _thread_cpu(process.pid)
            if threads is not None:
                run.samples.append(
                    Sample(
                        now,
                        *threads,
                        _process_cpu(fake.process.pid),
                        _machine_cpu(),
                        _rss_kb(process.pid),
                    )
                )
            if now - run.started > bound:
                run.timed_out = True
                os.kill(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(SAMPLE_EVERY)
        run.wall = time.monotonic() - run.started
        process.returncode = run.returncode = os.waitstatus_to_exitcode(status)
    run.peak_rss_mb = usage.ru_maxrss / 1024
    run.cpu = usage.ru_utime + usage.ru_stime
    output = out_path.read_text().strip()
    run.report = output.splitlines()[-1] if output else ""
    if not run.ok:
        tail = err_path.read_text().strip().splitlines()[-5:]
        print(f"  the push exited {run.returncode}, timed out: {run.timed_out}; {tail}")


# --- storage alone ------------------------------------------------------------------------


async def db_probe(deliveries: int, concurrency: int) -> tuple[float, float]:
    """The storage work of `deliveries` deliveries as DailyPush._work does it around each send
    (claim; `delivered`; finish), without any network, by `concurrency` workers: ms of wall
    time and ms of CPU (this process, every thread) per delivery."""
    from bot.conversation.daily import DailyQuestions
    from bot.render.markup import HTML
    from content import load_bank
    from storage import open_database
    from storage.subscriptions import (
        DeliveryStatus,
        claim_delivery,
        claim_due,
        finish_delivery,
    )

    with tempfile.TemporaryDirectory(prefix="daily-push-db-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bot.db'}"
        due_at = await fill_database(url, deliveries)
        db = await open_database(url)
        try:
            daily = DailyQuestions(db, load_bank(), HTML)
            claim, subscriptions = await claim_due(db, due_at, None, deliveries)
            dues = [daily.due(subscription) for subscription in subscriptions]
            queue = iter(enumerate(dues, start=1))

            async def worker() -> None:
                for message_id, due in queue:
                    now = datetime.now(UTC)
                    subscription = due.subscription
                    await claim_delivery(db, subscription.chat_id, due.day, due.question.id, now)
                    await daily.delivered(due, [message_id], now)
                    following = daily.following(subscription, now)
                    await finish_delivery(
                        db,
                        claim,
                        subscription,
                        due.day,
                        DeliveryStatus.SENT,
                        following,
                        now,
                        message_id,
                    )

            started, cpu = time.perf_counter(), time.process_time()
            async with asyncio.TaskGroup() as group:
                for _ in range(concurrency):
                    group.create_task(worker())
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            await db.close()
    return elapsed * 1000 / deliveries, cpu * 1000 / deliveries


# --- reporting ----------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def describe(run: Run) -> str:
    who = f"{run.subscribers:,} subscribers"
    if run.workers != WORKERS:
        who += f", {run.workers} workers"
    if run.latency:
        who += f", {run.latency * 1000:g} ms latency per sendMessage"
    lines = [
        f"  {who}: wall {run.wall:.1f} s, first delivery after "
        f"{(run.times[0] - run.started) if run.times else 0:.2f} s; delivered "
        f"{run.delivered:,} at {run.rate:.1f}/s over {run.span:.1f} s",
        f"    lost {run.lost}, duplicates {run.duplicates}, partial {run.partial} "
        f"({run.per_delivery} message(s) per delivery); 429: {run.too_many} of "
        f"{run.send_requests:,} sendMessage = {run.share_429:.2%}; rejected "
        f"{run.stats.get('rejected', '?')}; exit {run.returncode}",
    ]
    windows = run.windows()
    if windows:
        gaps = run.gaps_ms()
        lines.append(
            f"    per 1 s window ({len(windows)}): median {statistics.median(windows):g}, "
            f"p99 {percentile(windows, 0.99)}, min {min(windows)}, max {max(windows)}; "
            f"any 1 s: max {run.sliding_max()}; gaps median {statistics.median(gaps):.1f} ms, "
            f"p99 {percentile(gaps, 0.99):.1f} ms, max {max(gaps):.0f} ms"
        )
    cores = run.while_delivering()
    rss = f"peak RSS {run.peak_rss_mb:.1f} MB"
    if cores:
        rss += f" (VmRSS {cores['rss_first']:.0f} MB at the first delivery, "
        rss += f"{cores['rss_last']:.0f} MB at the last)"
    lines.append(f"    {rss}; CPU {run.cpu:.1f} s = {run.cpu / run.wall:.0%} of the wall time")
    if cores and run.rate:
        per_delivery = (cores["main"] + cores["other"]) / run.rate * 1000
        lines.append(
            f"    cores while delivering: bot main thread {cores['main']:.2f}, other threads "
            f"{cores['other']:.2f} ({per_delivery:.2f} ms bot CPU per delivery); fake "
            f"{cores['fake']:.2f}; other processes {cores['rest']:.2f} (of {os.cpu_count()})"
        )
    if run.report:
        lines.append(f"    bot: {run.report}")
    return "\n".join(lines)


def describe_steps(run: Run) -> str:
    steps, lock = run.steps.get("steps", {}), run.steps.get("lock", {})
    if not steps:
        return "  (no step timings)"
    cycle = sum(step["mean"] for step in steps.values())
    storage = sum(steps[name]["mean"] for name in ("claim", "delivered", "finish") if name in steps)
    lines = [
        f"  one worker's time per delivery (instrumented run, {run.rate:.0f}/s): "
        + ", ".join(
            f"{name} {step['mean']:.2f} ms (median {step['median']:.2f}, p99 {step['p99']:.1f})"
            for name, step in steps.items()
        ),
        f"    = {cycle:.1f} ms per delivery per worker, {storage / cycle:.0%} of it in storage; "
        f"{run.workers} workers / {cycle:.1f} ms = {run.workers / cycle * 1000:.0f}/s",
    ]
    if lock.get("count") and lock["end"] > lock["start"]:
        window = lock["end"] - lock["start"]
        per = lock["count"] / max(1, steps.get("claim", {}).get("n", 1))
        lines.append(
            f"    Database write lock held {lock['held'] / window:.0%} of the push: "
            f"{per:.1f} acquisitions per delivery, {lock['held'] / lock['count'] * 1000:.2f} ms "
            f"each = {lock['held'] / lock['count'] * per * 1000:.2f} ms per delivery "
            f"(at most {1 / (lock['held'] / lock['count'] * per):.0f} deliveries/s)"
        )
    return "\n".join(lines)


def print_profile(path: str) -> None:
    """The event-loop thread's own time by package (cProfile sees that thread only)."""
    import pstats

    stats = pstats.Stats(path)
    by_package: Counter[str] = Counter()
    for (filename, _, name), (_, _, own, _, _) in stats.stats.items():
        if "epoll" in name:
            package = "waiting in epoll (idle)"
        elif filename == "~":
            package = "C built-ins (sockets, queues, ...)"
        elif "site-packages" in filename:
            package = filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
        elif filename.startswith(str(ROOT)):
            package = "project: " + Path(filename).relative_to(ROOT).parts[0]
        else:
            package = "stdlib: " + Path(filename).parent.name.replace("python3.11", "")
            package = package.rstrip(": ") or "stdlib"
        by_package[package] += own
    total = sum(by_package.values())
    print(f"  cProfile, event-loop thread, {total:.1f} s by package:")
    for package, own in by_package.most_common(12):
        print(f"    {own:6.2f} s {own / total:6.1%}  {package}")


def summary_row(runs: list[Run]) -> str:
    rates = [run.rate for run in runs]
    windows = [count for run in runs for count in run.windows()]
    requests = sum(run.send_requests for run in runs)
    window_text = (
        f"1 s windows median {statistics.median(windows):g} p99 {percentile(windows, 0.99)} "
        f"max {max(run.sliding_max() for run in runs)}"
        if windows
        else "no whole 1 s window"
    )
    return (
        f"  {runs[0].scenario.label:>20}  {runs[0].subscribers:>7,} x{len(runs)}: "
        f"{statistics.median(rates):7.1f}/s"
        + (f" ({min(rates):.1f}-{max(rates):.1f})" if len(runs) > 1 else "")
        + f", lost {sum(r.lost for r in runs)}, duplicates {sum(r.duplicates for r in runs)}, "
        f"429 {sum(r.too_many for r in runs) / max(1, requests):.2%}, "
        f"peak RSS {statistics.median(r.peak_rss_mb for r in runs):.1f} MB, "
        f"wall {statistics.median(r.wall for r in runs):.1f} s; {window_text}"
    )


# --- main ---------------------------------------------------------------------------------


def run_scenario(scenario: Scenario, args: argparse.Namespace) -> list[list[Run]]:
    print(
        f"\n== {scenario.label}: fake FloodLimits(per_second={scenario.per_second:g}, "
        f"paid_per_second={scenario.paid_per_second:g}); TELEGRAM_MAX_RATE="
        f"{scenario.max_rate:g}{', TELEGRAM_PAID_BROADCAST=1' if scenario.paid else ''}; "
        f"the push paces at {scenario.pace:g}/s",
        flush=True,
    )
    counts = [args.subscribers] * args.repeats + ([args.small] if args.small else [])
    if scenario.paid and args.large:
        counts.append(args.large)
    by_count: dict[int, list[Run]] = {}
    for count in counts:
        run = measure_push(scenario, count)
        print(describe(run), flush=True)
        by_count.setdefault(count, []).append(run)
    print(
        "  peak RSS by subscribers: "
        + ", ".join(
            f"{count:,}: {statistics.median(r.peak_rss_mb for r in runs):.1f} MB"
            for count, runs in sorted(by_count.items())
        )
    )
    if scenario.paid:
        bounds(scenario, args, by_count[args.subscribers][0])
    return [by_count[count] for count in sorted(by_count)]


def bounds(scenario: Scenario, args: argparse.Namespace, run: Run) -> None:
    """What limits the paid-broadcast rate: workers in flight, the bot's CPU, storage."""
    print(f"  -- what bounds the {scenario.label} rate --")
    cores = run.while_delivering()
    if run.rate and cores:
        main_ms, other_ms = (cores[key] / run.rate * 1000 for key in ("main", "other"))
        print(
            f"  production run: {run.rate:.0f}/s of the {scenario.pace:.0f}/s pace, "
            f"{WORKERS / run.rate * 1000:.1f} ms per delivery per worker (Little's law)\n"
            f"    bot CPU per delivery {main_ms + other_ms:.2f} ms (main thread {main_ms:.2f}, "
            f"other threads {other_ms:.2f}) = {cores['main'] + cores['other']:.2f} cores; one "
            f"process's threads share one GIL: one core allows at most "
            f"{1000 / (main_ms + other_ms):.0f}/s; the fake used {cores['fake']:.2f} cores, "
            f"other processes {cores['rest']:.2f}"
        )
    if args.stages:
        probe = measure_push(scenario, args.subscribers, stages=True)
        print(describe_steps(probe), flush=True)
    if args.db_probe:
        results = []
        for concurrency in (1, WORKERS):
            wall_ms, cpu_ms = asyncio.run(db_probe(args.db_probe, concurrency))
            results.append(f"{concurrency} worker(s) {wall_ms:.2f} ms ({cpu_ms:.2f} ms CPU)")
        print(
            f"  storage alone ({args.db_probe:,} deliveries, no HTTP, an idle event loop), "
            "per delivery: " + ", ".join(results)
        )
    sweep = [f"{WORKERS}: {run.rate:.0f}/s"]
    for workers in args.workers:
        probe = measure_push(scenario, args.subscribers, workers=workers)
        cores = probe.while_delivering() or {"main": 0.0}
        sweep.append(f"{workers}: {probe.rate:.0f}/s (main thread {cores['main']:.0%})")
        if not probe.ok or probe.lost or probe.duplicates:
            print(describe(probe))
    if args.workers:
        print("  workers in flight -> rate: " + ", ".join(sorted(sweep, key=_leading_int)))
    if args.latency:
        latency_probe(scenario, args)
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="daily-push-profile-") as tmp:
            path = str(Path(tmp) / "push.prof")
            probe = measure_push(scenario, args.subscribers, profile=path)
            print(f"  under cProfile the push reached {probe.rate:.0f}/s")
            print_profile(path)


def latency_probe(scenario: Scenario, args: argparse.Namespace) -> None:
    """Workers in flight against a network's round trip: the fake delays every sendMessage."""
    latency = args.latency / 1000
    count = min(args.subscribers, args.latency_subscribers)
    results = []
    for workers in args.latency_workers:
        probe = measure_push(scenario, count, workers=workers, latency=latency)
        if not probe.ok or probe.lost or probe.duplicates:
            print(describe(probe))
        cores = probe.while_delivering() or {"main": 0.0}
        ceiling = min(scenario.pace, workers / latency)
        results.append(
            f"{workers}: {probe.rate:.0f}/s (workers / latency = {workers / latency:.0f}/s; "
            f"main thread {cores['main']:.0%})"
            if ceiling < scenario.pace
            else f"{workers}: {probe.rate:.0f}/s (main thread {cores['main']:.0%})"
        )
    print(
        f"  with {args.latency:g} ms per sendMessage ({count:,} subscribers), workers -> rate: "
        + "; ".join(results),
        flush=True,
    )


def _leading_int(text: str) -> int:
    return int(text.split(":")[0])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-fake":
        chats, per_second, paid_per_second, latency = sys.argv[2:6]
        asyncio.run(
            serve_fake(int(chats), float(per_second), float(paid_per_second), float(latency))
        )
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--scenario", choices=["30", "1000", "both"], default="both")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=20_000)
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",") if n.strip()],
        default=[2, 32],
    )
    parser.add_argument("--stages", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--db-probe", type=int, default=2_000)
    parser.add_argument("--latency", type=float, default=50.0)
    parser.add_argument("--latency-subscribers", type=int, default=3_000)
    parser.add_argument(
        "--latency-workers",
        type=lambda text: [int(n) for n in text.split(",") if n.strip()],
        default=[8, 32, 96],
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--run-push", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--push-workers", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--steps-out", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_push:
        sys.exit(run_push(args.push_workers, args.steps_out, args.profile_out))
    load = os.getloadavg()[0]
    print(
        f"daily push bench: {os.cpu_count()} CPUs (load average {load:.2f} before starting), "
        f"Python {sys.version.split()[0]}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    names = ["30", "1000"] if args.scenario == "both" else [args.scenario]
    results = [runs for name in names for runs in run_scenario(SCENARIOS[name], args)]
    print("\n== summary (median over repeats; 429 share of sendMessage requests)")
    for runs in results:
        print(summary_row(runs))


if __name__ == "__main__":
    main()
