"""Webhook workers: real `python -m bot` processes sharing one database, behind the fake Bot
API's webhook delivery (as behind a host's load balancer)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from bot.telegram.app import webhook_secret
from testing.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
HOOK_PATH = "hook"


def worker_url(port: int) -> str:
    """Where a worker listening on `port` takes webhook requests."""
    return f"http://127.0.0.1:{port}/{HOOK_PATH}"


def secret(fake: FakeTelegram) -> str:
    """The secret every worker expects with a webhook request."""
    return webhook_secret(Settings(token=fake.token))


def environment(fake: FakeTelegram, database_url: str, rate: int = 1000) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.root,
        "DATABASE_URL": database_url,
        "TELEGRAM_MAX_RATE": str(rate),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def webhook_worker(
    fake: FakeTelegram, database_url: str, port: int, log: Path, processes: int = 1
) -> subprocess.Popen[bytes]:
    """`python -m bot` in webhook mode on `port` (as `processes` workers sharing it), its
    output appended to `log`."""
    env = {
        **environment(fake, database_url),
        "WEBHOOK_URL": f"https://bot.example/{HOOK_PATH}",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(processes),
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=output, stderr=output
        )


def stop_processes(processes: list[subprocess.Popen[bytes]], timeout: float = 30.0) -> None:
    """SIGTERM every process still running, then wait for each; one still running after
    `timeout` seconds is killed."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def push_now(fake: FakeTelegram, database_url: str, log: Path) -> subprocess.Popen[bytes]:
    """`python -m bot daily --now`, its output appended to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "daily", "--now"],
            cwd=ROOT,
            env=environment(fake, database_url),
            stdout=output,
            stderr=output,
        )
