"""The question-of-the-day push from one and from two processes sharing one PostgreSQL
database, as paid broadcast at 1,000 messages/s, against the fake Bot API (not a test).

    .venv/bin/python bench/fleet_push.py                   # 10,000 and 100,000 subscribers
    .venv/bin/python bench/fleet_push.py --subscribers 10000 --large 0 --modes webhook

Run it from the repository root. Only 127.0.0.1 is used; a push is stopped if it outlives
its time bound (60 s plus one second per 200 subscribers).

How a run is wired: a throwaway PostgreSQL server (testing/postgres.py, fsync off) gets a
fresh database per run, filled with N private subscriptions all due now in one transaction
(the storage API's executemany with subscribe's SQL; open_database migrates). The fake Bot
API runs in its own process (this script with --serve-fake) with N private chats and
FloodLimits(per_second=30, paid_per_second=1000), as bench/daily_push.py configures it; it
answers "stats" on stdin with its counters as one JSON line. The bot runs with the
production environment (testing/fleet.py's) plus TELEGRAM_MAX_RATE=1000 and
TELEGRAM_PAID_BROADCAST=1, as:

- webhook: 1 or 2 webhook workers (`python -m bot`, WEBHOOK_URL set, each on its own port),
  whose scheduled push has its first tick 1 s after start; no updates are delivered;
- daily: 1 or 2 `python -m bot daily --now` processes started at once (a cron host).

Processes sharing the database share one send budget (FleetBudget: TELEGRAM_MAX_RATE across
the fleet) and claim subscribers in batches with FOR UPDATE SKIP LOCKED.

Measured per run: the delivered rate (deliveries - 1 over the time from the first to the
last delivery, stamped by the fake); lost (subscribers with no message); duplicates
(fake.duplicates(): messages repeating a text the chat already got, and chats with more
messages than one delivery takes) and the deliveries rows (sent, and chats with more than
one row); 429s; CPU seconds of each bot process (start-up included) and of the PostgreSQL
server over the run; the peak RSS of each bot process (VmHWM from /proc/PID/status, read before
it is stopped; ru_maxrss from wait4 for a `daily --now` process that exits by itself); the
load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # testing/ is not installed
sys.path.insert(0, str(ROOT / "bench"))

from daily_push import messages_per_delivery, percentile  # noqa: E402  (bench/ is no package)

from testing.fleet import HOOK_PATH, environment, stop_processes  # noqa: E402
from testing.postgres import create_database, free_port, throwaway_cluster  # noqa: E402

SCRIPT = str(Path(__file__).resolve())
TOKEN = "123456:BENCH-TOKEN"
FIRST_CHAT = 10_000_000
RATE = 1000  # TELEGRAM_MAX_RATE
PUSH_SHARE = 0.97  # bot.telegram.app.PUSH_SHARE_OF_RATE, restated for the report
STARTUP_ALLOWANCE = 60.0
SLOWEST = 200.0  # deliveries/s assumed at most when bounding a run's time


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# --- the fake, in its own process -------------------------------------------------------------


async def serve_fake(chats: int) -> None:
    from testing.fake_telegram import FakeTelegram, FloodLimits

    fake = FakeTelegram(TOKEN, flood=FloodLimits(per_second=30, paid_per_second=1000))
    await fake.start()
    ids = range(FIRST_CHAT, FIRST_CHAT + chats)
    for chat_id in ids:
        fake.add_private_chat(chat_id)
    print(json.dumps({"root": fake.root}), flush=True)
    loop = asyncio.get_running_loop()
    while (command := (await loop.run_in_executor(None, sys.stdin.readline)).strip()) in (
        "stats",
        "full",
    ):
        delivered = fake.stats.delivered
        snapshot = {"chats_reached": len(delivered), "messages": delivered.total()}
        if command == "full":
            times = [call.time for call in fake.sent if call.method == "sendMessage"]
            snapshot |= {
                "histogram": {str(n): k for n, k in Counter(delivered[c] for c in ids).items()},
                "first": min(times, default=0.0),
                "last": max(times, default=0.0),
                "duplicates": fake.duplicates(),
                "by_status": {str(s): n for s, n in fake.stats.by_status.items()},
                "send_requests": fake.stats.by_method.get("sendMessage", 0),
                "rejected": len(fake.rejected),
                "cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
            }
        print(json.dumps(snapshot), flush=True)
    fake.strict = False
    await fake.stop()


class FakeServer:
    def __init__(self, chats: int, log: Path) -> None:
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, SCRIPT, "--serve-fake", str(chats)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError(f"the fake did not start: {log.read_text()[-2000:]}")
        self.root = json.loads(line)["root"]

    def ask(self, command: str = "stats") -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- the database ---------------------------------------------------------------------------

SUBSCRIBE = (
    "INSERT INTO subscriptions (chat_id, user_id, is_group, timezone, send_at, next_due, "
    "active, created_at) VALUES (?, ?, 0, 'UTC', ?, ?, 1, ?)"
)


async def fill(url: str, subscribers: int) -> tuple[datetime, float]:
    """`subscribers` private subscriptions in UTC, due now, in one transaction (the columns
    storage.subscriptions.subscribe writes); (due time, seconds taken)."""
    from storage import open_database

    now = datetime.now(UTC).replace(microsecond=0)
    instant = now.isoformat(timespec="seconds")
    started = time.perf_counter()
    db = await open_database(url)
    try:
        rows = [
            (chat, chat, now.time().isoformat("minutes"), instant, instant)
            for chat in range(FIRST_CHAT, FIRST_CHAT + subscribers)
        ]
        async with db.transaction() as tx:
            await tx.executemany(SUBSCRIBE, rows)
    finally:
        await db.close()
    return now, time.perf_counter() - started


async def delivery_rows(url: str) -> dict[str, int]:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        sent = await connection.fetchval("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
        rows = await connection.fetchval("SELECT COUNT(*) FROM deliveries")
        twice = await connection.fetchval(
            "SELECT COUNT(*) FROM (SELECT chat_id, day FROM deliveries GROUP BY chat_id, day "
            "HAVING COUNT(*) > 1) AS repeated"
        )
        size = await connection.fetchval("SELECT pg_database_size(current_database())")
    finally:
        await connection.close()
    return {"sent": sent, "rows": rows, "chats_twice": twice, "database_bytes": size}


# --- the bot processes ----------------------------------------------------------------------


CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of `pids` and their descendants alive now (Linux /proc)."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                text = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
                parents[int(entry)] = int(text[1])
                used[int(entry)] = (int(text[11]) + int(text[12])) / CLOCK_TICK
    inside, grown = set(pids), True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in inside and pid not in inside:
                inside.add(pid)
                grown = True
    return sum(used.get(pid, 0.0) for pid in inside)


def postmaster(cluster) -> list[int]:
    with contextlib.suppress(OSError, ValueError):
        return [int((cluster.data / "postmaster.pid").read_text().split("\n", 1)[0])]
    return []


def vm_hwm_kb(pid: int) -> int:
    """The process's peak resident set (VmHWM), kB; 0 if it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


@dataclass
class Run:
    mode: str
    processes: int
    subscribers: int
    per_delivery: int
    fill_seconds: float
    wall: float = 0.0
    stats: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    peak_rss_mb: list[float] = field(default_factory=list)
    exit_codes: list[int | None] = field(default_factory=list)
    timed_out: bool = False
    load_before: str = ""
    load_after: str = ""
    log_errors: int = 0
    bot_cpu: list[float] = field(default_factory=list)  # seconds, per process
    postgres_cpu: float = 0.0  # seconds over the run (backends alive at its end)

    @property
    def histogram(self) -> dict[int, int]:
        return {int(n): k for n, k in self.stats.get("histogram", {}).items()}

    @property
    def lost(self) -> int:
        return self.histogram.get(0, 0)

    @property
    def over(self) -> int:
        return sum(k for n, k in self.histogram.items() if n > self.per_delivery)

    @property
    def delivered(self) -> int:
        return self.stats.get("messages", 0)

    @property
    def rate(self) -> float:
        span = self.stats.get("last", 0.0) - self.stats.get("first", 0.0)
        return (self.delivered - 1) / span if span > 0 else 0.0


def start_processes(mode: str, count: int, root: str, url: str, log: Path) -> list:
    env = {
        **environment(SimpleNamespace(root=root, token=TOKEN), url, rate=RATE),  # type: ignore[arg-type]
        "TELEGRAM_PAID_BROADCAST": "1",
    }
    processes = []
    with log.open("ab") as output:
        for _ in range(count):
            if mode == "webhook":
                plan = {
                    **env,
                    "WEBHOOK_URL": f"https://bot.example/{HOOK_PATH}",
                    "PORT": str(free_port()),
                }
                command = [sys.executable, "-m", "bot"]
            else:
                plan, command = env, [sys.executable, "-m", "bot", "daily", "--now"]
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=plan, stdout=output, stderr=output)
            )
    return processes


async def measure(mode: str, count: int, subscribers: int, cluster, number: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="fleet-push-") as folder:
        log = Path(folder) / "bot.log"
        fake = FakeServer(subscribers, Path(folder) / "fake.log")
        try:
            url = await create_database(cluster.url, f"fleet_push_{number}")
            due, fill_seconds = await fill(url, subscribers)
            run = Run(mode, count, subscribers, messages_per_delivery(due), fill_seconds)
            run.load_before = load_average()
            started = time.monotonic()
            server = postmaster(cluster)
            postgres_before = cpu_seconds(server) if server else 0.0
            processes = start_processes(mode, count, fake.root, url, log)
            peaks = [0] * count
            cpus = [0.0] * count
            exited: dict[int, int] = {}
            deadline = started + STARTUP_ALLOWANCE + subscribers / SLOWEST
            target = subscribers * run.per_delivery
            while time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                for n, process in enumerate(processes):
                    peaks[n] = max(peaks[n], vm_hwm_kb(process.pid))
                    if mode == "daily" and n not in exited:
                        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                        if pid:
                            exited[n] = os.waitstatus_to_exitcode(status)
                            process.returncode = exited[n]
                            peaks[n] = max(peaks[n], usage.ru_maxrss)
                            cpus[n] = usage.ru_utime + usage.ru_stime
                    if n not in exited:
                        cpus[n] = max(cpus[n], cpu_seconds([process.pid]))
                if mode == "daily" and len(exited) == count:
                    break
                if mode == "webhook" and fake.ask()["messages"] >= target:
                    await asyncio.sleep(1.0)  # a second message would show here
                    break
            else:
                run.timed_out = True
            run.wall = time.monotonic() - started
            if server:
                run.postgres_cpu = cpu_seconds(server) - postgres_before
            for n, process in enumerate(processes):
                peaks[n] = max(peaks[n], vm_hwm_kb(process.pid))
                if n not in exited:
                    cpus[n] = max(cpus[n], cpu_seconds([process.pid]))
            stop_processes(processes)
            run.exit_codes = [process.returncode for process in processes]
            run.peak_rss_mb = [peak / 1024 for peak in peaks]
            run.bot_cpu = cpus
            run.stats = fake.ask("full")
            run.rows = await delivery_rows(url)
            run.load_after = load_average()
            text = log.read_text(errors="replace")
            run.log_errors = sum("ERROR" in line for line in text.splitlines())
            if run.log_errors or run.timed_out:
                print(text[-3000:], file=sys.stderr)
        finally:
            fake.stop()
    return run


def describe(run: Run) -> str:
    what = "webhook worker(s), scheduled push" if run.mode == "webhook" else "`daily --now`"
    status = run.stats.get("by_status", {})
    rows = run.rows
    return (
        f"  {run.subscribers:,} subscribers, {run.processes} {what}: {run.rate:.1f} messages/s "
        f"over the push ({run.delivered:,} messages, {run.per_delivery} per delivery; wall "
        f"{run.wall:.1f} s from start{', TIMED OUT' if run.timed_out else ''})\n"
        f"    lost {run.lost}, fake.duplicates() {run.stats.get('duplicates')}, chats over one "
        f"delivery {run.over}; deliveries rows: {rows.get('sent')} sent of {rows.get('rows')}, "
        f"chats with two rows a day {rows.get('chats_twice')}; 429 {status.get('429', 0)} of "
        f"{run.stats.get('send_requests')} sendMessage; rejected {run.stats.get('rejected')}\n"
        f"    peak RSS (VmHWM) per process: "
        + ", ".join(f"{mb:.1f} MB" for mb in run.peak_rss_mb)
        + "; CPU per process (start-up included) "
        + ", ".join(f"{seconds:.1f} s" for seconds in run.bot_cpu)
        + f" = {sum(run.bot_cpu) / max(1, run.delivered) * 1000:.2f} ms per message; "
        f"PostgreSQL {run.postgres_cpu:.1f} s = "
        f"{run.postgres_cpu / max(1, run.delivered) * 1000:.2f} ms per message"
        + f"; exit codes {run.exit_codes}; bot log errors {run.log_errors}; fill "
        f"{run.fill_seconds:.1f} s; database {rows.get('database_bytes', 0) / 2**20:.0f} MB; "
        f"load average before {run.load_before}, after {run.load_after}"
    )


async def main_async(args: argparse.Namespace) -> None:
    print(
        f"fleet_push: {os.cpu_count()} CPUs, load average {load_average()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC; TELEGRAM_MAX_RATE={RATE}, "
        f"TELEGRAM_PAID_BROADCAST=1 (each process paces at {RATE * PUSH_SHARE:g}/s, the fleet "
        f"shares {RATE}/s); fake FloodLimits(per_second=30, paid_per_second=1000)",
        flush=True,
    )
    counts = [args.subscribers] * args.repeats + ([args.large] if args.large else [])
    results: dict[tuple[str, int, int], list[Run]] = {}
    number = 0
    with throwaway_cluster() as cluster:
        for mode in args.modes:
            for processes in args.processes:
                for subscribers in counts:
                    number += 1
                    run = await measure(mode, processes, subscribers, cluster, number)
                    print(describe(run), flush=True)
                    results.setdefault((mode, processes, subscribers), []).append(run)
    print("\n== summary (median over repeats)")
    for (mode, processes, subscribers), runs in results.items():
        peaks = [mb for run in runs for mb in run.peak_rss_mb]
        print(
            f"  {mode:>7} x{processes}, {subscribers:>7,} subscribers: "
            f"{statistics.median(r.rate for r in runs):6.1f} messages/s, lost "
            f"{sum(r.lost for r in runs)}, duplicates "
            f"{sum(r.stats.get('duplicates', 0) for r in runs)}"
            f" (+{sum(r.over for r in runs)} chats over), deliveries rows twice "
            f"{sum(r.rows.get('chats_twice', 0) for r in runs)}, peak RSS per process max "
            f"{max(peaks):.1f} MB (p50 {percentile(peaks, 0.5):.1f})"
        )
    print(f"load average after: {load_average()}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve-fake":
        asyncio.run(serve_fake(int(sys.argv[2])))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000, help="one more run; 0 skips")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--modes", nargs="+", choices=["webhook", "daily"], default=["webhook", "daily"]
    )
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
