"""Graded answers per second for one bot process on SQLite and for webhook workers sharing
one PostgreSQL database (a benchmark, not a test).

    .venv/bin/python bench/fleet_load.py                   # a, b, c, d; 50 learners, 3 repeats
    .venv/bin/python bench/fleet_load.py --setups b c --learners 50 --seconds 20 --repeats 3
    .venv/bin/python bench/fleet_load.py --learners 150 --warmup 8   # CPU-bound, see below
    .venv/bin/python bench/fleet_load.py --setups b --turn-pool 160  # probe: more turn connections

Run it from the repository root. Only 127.0.0.1 is used; every run stops by itself.

Setups (the same fake, the same learners, the same load):

- a: one `python -m bot` process on a SQLite file, long polling (the default deployment);
- b: one webhook worker (`python -m bot`, WEBHOOK_URL set) on PostgreSQL;
- c: two webhook workers, two processes on two ports, the fake's webhook delivery sending
  updates round-robin to both (as a host's load balancer would);
- d: WEB_CONCURRENCY=2: one `python -m bot` forking two workers that share one port.

Every bot process is a real `python -m bot` subprocess with the production environment
(testing/fleet.py's, with TELEGRAM_MAX_RATE=100000 so Telegram's ~30 messages/s limit does
not cap what is measured, and LOG_LEVEL=WARNING). PostgreSQL is a throwaway server
(testing/postgres.py, fsync off) with a fresh database per run; SQLite a fresh file.

The fake Bot API server and the simulated learners run in a child process (multiprocessing,
as bench/bot_load.py, whose LoadFake and Learners this reuses): each learner sends /start,
then loops /quiz, waits for the question, sends a 40-80 word answer built from the
question's model answer (bot_load.make_answer), waits for the grade ("/100"). Latency: from
the answer being queued at the fake to the grade's last message arriving there (one clock).
Only cycles inside the measured window count. With few learners the rate is held by the
bot's own per-chat pacing (about one message a second into a chat, ~2.3 messages per graded
answer: 50 learners make ~25 answers/s at most per process), not by CPU; 150 learners load
the CPU. Each setup runs --repeats times; the summary is the median of answers/s across
runs, and p50/p99 over all samples pooled. After each PostgreSQL setup: each table's rows
and bytes per graded answer.

CPU while measuring, from /proc (utime + stime): the bot processes (with forked workers), the
PostgreSQL server (postmaster and its backends), the fake + learners process, this harness,
and the whole machine (so other load shows). The machine has few cores: everything shares
them, and the load average is printed before and after each run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # testing/ is not installed
sys.path.insert(0, str(ROOT / "bench"))

from bot_load import (  # noqa: E402  (bench/ is not a package)
    DRAIN_TIMEOUT,
    STARTUP_TIMEOUT,
    Learners,
    LoadFake,
    _recv,
    load_average,
    percentile,
)

from testing.fleet import HOOK_PATH, environment, stop_processes, worker_url  # noqa: E402
from testing.postgres import create_database, free_port, throwaway_cluster  # noqa: E402

MAX_RATE = 100_000
BOT_START_TIMEOUT = 90.0  # s for `python -m bot` to import, migrate and listen (2 cores)
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
SETUPS = {
    "a": "1 process, SQLite, long polling",
    "b": "1 webhook worker, PostgreSQL",
    "c": "2 webhook workers (2 ports, round-robin), PostgreSQL",
    "d": "WEB_CONCURRENCY=2 (1 port, 2 forked workers), PostgreSQL",
}


# --- the child process: the fake and the learners -----------------------------------------


def serve(conn: Connection, learners: int, warmup: float, seconds: float, seed: int) -> None:
    asyncio.run(_serve(conn, learners, warmup, seconds, seed))


async def _serve(conn: Connection, count: int, warmup: float, seconds: float, seed: int) -> None:
    from testing.fleet import secret

    fake = LoadFake()
    await fake.start()
    try:
        learners = Learners(fake, count, seed)
        conn.send({"root": fake.root, "token": fake.token})
        go = await _recv(conn, BOT_START_TIMEOUT + STARTUP_TIMEOUT)
        if go.get("urls"):
            fake.deliver_webhooks(go["urls"], secret(fake), max_connections=4 * count)
        await _ready(fake, go["ready_method"], go["ready_count"])
        await asyncio.wait_for(
            asyncio.gather(*(learners.start(user) for user in learners.users)), STARTUP_TIMEOUT
        )
        tasks = [asyncio.create_task(learners.run(user)) for user in learners.users]
        await asyncio.sleep(warmup)
        opened, cpu0, requests0 = time.monotonic(), time.process_time(), fake.stats.requests
        conn.send("window opened")
        await asyncio.sleep(seconds)
        closed, cpu1, requests1 = time.monotonic(), time.process_time(), fake.stats.requests
        conn.send("window closed")
        learners.stop.set()
        _, late = await asyncio.wait(tasks, timeout=DRAIN_TIMEOUT)
        for task in late:
            task.cancel()
        tally = learners.tally
        inside = [g for g in tally.graded if g[2] >= opened and g[3] <= closed]
        webhook = Counter(a.result for a in fake.webhook_deliveries)
        conn.send(
            {
                "window": closed - opened,
                "latencies_ms": [(replied - sent) * 1000 for _, _, sent, replied, _ in inside],
                "ungraded": tally.ungraded,
                "errors": dict(tally.errors),
                "requests_per_s": (requests1 - requests0) / (closed - opened),
                "rejected": len(fake.rejected),
                "webhook_results": {str(k): v for k, v in webhook.items()},
                "fake_cpu": cpu1 - cpu0,
            }
        )
        await _recv(conn, STARTUP_TIMEOUT)  # "stop"
    finally:
        await fake.stop()


async def _ready(fake: LoadFake, method: str, count: int) -> None:
    """Wait until the bot processes have called `method` `count` times (each webhook worker
    sets its webhook once it listens; a long poller calls getUpdates)."""
    deadline = time.monotonic() + BOT_START_TIMEOUT
    while fake.stats.by_method.get(method, 0) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot did not call {method} {count} times")
        await asyncio.sleep(0.1)


# --- CPU from /proc --------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def _tree_cpu(roots: list[int]) -> float:
    """CPU seconds of `roots` and all their descendants alive now (Linux /proc)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(int(entry))
            if found:
                parents[int(entry)], cpu[int(entry)] = found
    inside = set(roots)
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in inside and pid not in inside:
                inside.add(pid)
                changed = True
    return sum(cpu.get(pid, 0.0) for pid in inside)


def _machine_busy() -> float:
    """Busy CPU seconds of the whole machine (all cores) since boot."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICK


@dataclass
class Cpu:
    bot: float
    postgres: float
    fake: float
    harness: float
    machine: float

    @classmethod
    def now(cls, bots: list[int], postmaster: int | None, fake: int) -> Cpu:
        return cls(
            bot=_tree_cpu(bots),
            postgres=_tree_cpu([postmaster]) if postmaster else 0.0,
            fake=_tree_cpu([fake]),
            harness=time.process_time(),
            machine=_machine_busy(),
        )

    def minus(self, other: Cpu) -> Cpu:
        return Cpu(*(a - b for a, b in zip(vars(self).values(), vars(other).values(), strict=True)))


# --- the bot processes -----------------------------------------------------------------------


def _environment(root: str, token: str, database_url: str) -> dict[str, str]:
    fake = SimpleNamespace(root=root, token=token)
    return environment(fake, database_url, rate=MAX_RATE)  # type: ignore[arg-type]


def bot_command(turn_pool: int) -> list[str]:
    """`python -m bot`, or (a probe) the same entry point with another TURN_POOL_SIZE."""
    if not turn_pool:
        return [sys.executable, "-m", "bot"]
    code = (
        f"import sys, storage.postgres as p; p.TURN_POOL_SIZE = {turn_pool}; "
        "from bot.cli import main; sys.exit(main())"
    )
    return [sys.executable, "-c", code]


def start_bots(
    setup: str, root: str, token: str, database_url: str, log: Path, turn_pool: int = 0
) -> tuple[list[subprocess.Popen[bytes]], list[str], str, int]:
    """The bot processes of a setup; (processes, webhook urls, ready method, ready count)."""
    env = _environment(root, token, database_url)
    if setup == "a":
        plans = [env]
    else:
        workers = 2 if setup == "d" else 1
        ports = [free_port() for _ in range(2 if setup == "c" else 1)]
        plans = [
            {
                **env,
                "WEBHOOK_URL": f"https://bot.example/{HOOK_PATH}",
                "PORT": str(port),
                "WEB_CONCURRENCY": str(workers),
            }
            for port in ports
        ]
    processes = []
    with log.open("ab") as output:
        for plan in plans:
            processes.append(
                subprocess.Popen(
                    bot_command(turn_pool), cwd=ROOT, env=plan, stdout=output, stderr=output
                )
            )
    if setup == "a":
        return processes, [], "getUpdates", 1
    urls = [worker_url(int(plan["PORT"])) for plan in plans]
    _wait_listening([int(plan["PORT"]) for plan in plans], processes, log)
    return processes, urls, "setWebhook", 2 if setup in ("c", "d") else 1


def _wait_listening(ports: list[int], processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    deadline = time.monotonic() + BOT_START_TIMEOUT
    for port in ports:
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                raise RuntimeError(f"a bot process did not listen: {log.read_text()[-3000:]}")
            time.sleep(0.2)


# --- one run --------------------------------------------------------------------------------


@dataclass
class Run:
    setup: str
    window: float
    latencies_ms: list[float]
    cpu: Cpu
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.window

    @property
    def errors(self) -> int:
        return sum(self.result["errors"].values()) + self.result["rejected"]


def postmaster_pid(cluster) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int((cluster.data / "postmaster.pid").read_text().split("\n", 1)[0])
    return None


async def one_run(setup: str, args: argparse.Namespace, seed: int, cluster, number: int) -> Run:
    context = multiprocessing.get_context("spawn")
    conn, child_conn = context.Pipe()
    child = context.Process(
        target=serve, args=(child_conn, args.learners, args.warmup, args.seconds, seed), daemon=True
    )
    child.start()
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="fleet-load-") as folder:
        log = Path(folder) / "bot.log"
        try:
            hello = await _recv(conn, STARTUP_TIMEOUT)
            if setup == "a":
                database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            else:
                database_url = await create_database(cluster.url, f"fleet_load_{number}")
            processes, urls, method, count = await asyncio.to_thread(
                start_bots, setup, hello["root"], hello["token"], database_url, log, args.turn_pool
            )
            conn.send({"urls": urls, "ready_method": method, "ready_count": count})
            timeout = BOT_START_TIMEOUT + 2 * STARTUP_TIMEOUT + args.warmup
            if await _recv(conn, timeout) != "window opened":
                raise RuntimeError("the load process did not open its window")
            pids = [p.pid for p in processes]
            postmaster = postmaster_pid(cluster) if setup != "a" else None
            before = Cpu.now(pids, postmaster, child.pid)
            if await _recv(conn, args.seconds + STARTUP_TIMEOUT) != "window closed":
                raise RuntimeError("the load process did not close its window")
            used = Cpu.now(pids, postmaster, child.pid).minus(before)
            result = await _recv(conn, DRAIN_TIMEOUT + STARTUP_TIMEOUT)
            await asyncio.to_thread(stop_processes, processes)
            conn.send("stop")
        except BaseException:
            with contextlib.suppress(OSError):
                print(log.read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            stop_processes(processes)
            child.join(timeout=10)
            if child.is_alive():
                child.terminate()
                child.join(timeout=5)
        errors_logged = sum(
            "ERROR" in line or "Traceback" in line for line in log.read_text().splitlines()
        )
    result["errors_logged"] = errors_logged
    if setup != "a":
        result["tables"] = await table_sizes(database_url)
    return Run(setup, result["window"], result.pop("latencies_ms"), used, result)


async def table_sizes(url: str) -> dict[str, tuple[int, int]]:
    """Each table's rows and bytes on disk (pg_total_relation_size: heap, TOAST, indexes)."""
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute("VACUUM ANALYZE")
        names = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        sizes = {}
        for (name,) in names:
            rows = await connection.fetchval(f'SELECT COUNT(*) FROM "{name}"')
            size = await connection.fetchval("SELECT pg_total_relation_size($1::regclass)", name)
            sizes[name] = (rows, size)
    finally:
        await connection.close()
    return sizes


def describe_tables(run: Run) -> str:
    """Rows and bytes per graded answer (attempts row), from one run's database: what a
    learner's answer costs on disk, the inbox rows of its /quiz and answer included."""
    tables = run.result.get("tables") or {}
    answers = tables.get("attempts", (0, 0))[0] or 1
    lines = [f"  tables after the last run ({answers} attempts, VACUUM ANALYZE first):"]
    total = 0
    for name, (rows, size) in sorted(tables.items(), key=lambda item: -item[1][1]):
        if rows:
            total += size
            lines.append(
                f"    {name:<20} {rows:>7} rows ({rows / answers:5.2f} per attempt), "
                f"{size / 1024:8.0f} kB ({size / answers:6.0f} B per attempt)"
            )
    lines.append(f"    total {total / 2**20:.1f} MB = {total / answers:.0f} B per attempt")
    return "\n".join(lines)


# --- the report -----------------------------------------------------------------------------


def describe(run: Run, index: int) -> str:
    cores = {name: value / run.window for name, value in vars(run.cpu).items()}
    per_answer = run.cpu.bot / max(1, len(run.latencies_ms)) * 1000
    others = cores["machine"] - cores["bot"] - cores["postgres"] - cores["fake"] - cores["harness"]
    return (
        f"  run {index}: {run.rate:6.1f} answers/s, p50 {percentile(run.latencies_ms, 0.5):6.1f} "
        f"ms, p99 {percentile(run.latencies_ms, 0.99):6.1f} ms ({len(run.latencies_ms)} "
        f"graded; errors {run.errors} {run.result['errors'] or ''}; bot log errors "
        f"{run.result['errors_logged']}; fake {run.result['requests_per_s']:.0f} requests/s; "
        f"webhook POST results {run.result['webhook_results'] or '-'})\n"
        f"         cores busy: bot {cores['bot']:.2f}, PostgreSQL {cores['postgres']:.2f}, "
        f"fake+learners {cores['fake']:.2f}, harness {cores['harness']:.2f}, rest of the "
        f"machine {max(0.0, others):.2f} (machine total {cores['machine']:.2f} of "
        f"{os.cpu_count()}); bot CPU per answer {per_answer:.2f} ms"
    )


def summary(setup: str, runs: list[Run]) -> dict[str, float]:
    pooled = [sample for run in runs for sample in run.latencies_ms]
    return {
        "rate": statistics.median(run.rate for run in runs),
        "low": min(run.rate for run in runs),
        "high": max(run.rate for run in runs),
        "p50": percentile(pooled, 0.5),
        "p99": percentile(pooled, 0.99),
        "samples": len(pooled),
        "bot_ms": statistics.median(
            run.cpu.bot / max(1, len(run.latencies_ms)) * 1000 for run in runs
        ),
        "pg_ms": statistics.median(
            run.cpu.postgres / max(1, len(run.latencies_ms)) * 1000 for run in runs
        ),
    }


async def main_async(args: argparse.Namespace) -> None:
    print(
        f"fleet_load: setups {' '.join(args.setups)}; {args.learners} learners; "
        f"{args.seconds:g} s measured after {args.warmup:g} s warm-up; {args.repeats} repeat(s); "
        f"{os.cpu_count()} CPUs; TELEGRAM_MAX_RATE={MAX_RATE}; TURN_POOL_SIZE "
        f"{args.turn_pool or 'as in the bot'}; load average before: "
        f"{load_average()}; {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}",
        flush=True,
    )
    results: dict[str, dict[str, float]] = {}
    number = 0
    with throwaway_cluster() as cluster:
        for setup in args.setups:
            print(f"\n== {setup}: {SETUPS[setup]}", flush=True)
            runs = []
            for repeat in range(args.repeats):
                number += 1
                load = load_average()
                run = await one_run(setup, args, args.seed + repeat, cluster, number)
                print(describe(run, repeat + 1), flush=True)
                print(f"         load average before {load}, after {load_average()}", flush=True)
                runs.append(run)
            results[setup] = summary(setup, runs)
            if setup != "a":
                print(describe_tables(runs[-1]), flush=True)
    print(f"\n== summary ({args.learners} learners; median of runs, p50/p99 over pooled samples)")
    for setup, figures in results.items():
        print(
            f"  {setup}: {SETUPS[setup]:<58} {figures['rate']:6.1f} answers/s "
            f"({figures['low']:.1f}-{figures['high']:.1f}), p50 {figures['p50']:6.1f} ms, "
            f"p99 {figures['p99']:6.1f} ms, {figures['samples']} samples; CPU per answer: bot "
            f"{figures['bot_ms']:.2f} ms, PostgreSQL {figures['pg_ms']:.2f} ms"
        )
    if "b" in results and "c" in results:
        print(
            "  ratio 2 workers / 1 worker (c / b): "
            f"{results['c']['rate'] / results['b']['rate']:.2f}"
        )
    if "b" in results and "d" in results:
        print(
            "  ratio WEB_CONCURRENCY=2 / 1 worker (d / b): "
            f"{results['d']['rate'] / results['b']['rate']:.2f}"
        )
    print(f"load average after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--setups", nargs="+", choices=sorted(SETUPS), default=sorted(SETUPS))
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window per run")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured cycling first")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--turn-pool",
        type=int,
        default=0,
        help="a probe: run the workers with this TURN_POOL_SIZE (0: the bot's own, 32)",
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
