"""Several webhook workers in one container: WEB_CONCURRENCY processes sharing one port.

The parent binds the port, forks the workers (each then runs the whole bot on its own event
loop, with its own database pool and scheduler) and stays to supervise them: SIGTERM or
SIGINT is passed on to every worker, and a worker that dies any other way is started again.
The kernel hands each new connection to one of the workers; the shared PostgreSQL database
does the rest (bot/telegram/inbox.py: each update applied once, each chat in order).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable

import tornado.netutil

log = logging.getLogger(__name__)

RESTART_DELAY_SECONDS = 1.0  # before a worker that died is started again


def run_workers(count: int, port: int, serve: Callable[[list[socket.socket]], None]) -> None:
    """Bind `port`, run `serve(sockets)` in `count` forked workers, and supervise them until
    a signal stops them all."""
    sockets = tornado.netutil.bind_sockets(port, "0.0.0.0")
    workers: dict[int, int] = {}  # pid -> worker number
    stopping = False

    def start(number: int) -> None:
        pid = os.fork()
        if pid == 0:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, signal.SIG_DFL)
            code = 0
            try:
                serve(sockets)
            except BaseException:
                log.exception("worker %d failed", number)
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        workers[pid] = number
        log.info("worker %d started (pid %d)", number, pid)

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in workers:
            os.kill(pid, signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    for number in range(count):
        start(number)
    while workers:
        pid, status = os.wait()
        number = workers.pop(pid)
        if not stopping:
            log.warning(
                "worker %d (pid %d) ended (%s); starting it again", number, pid, _how(status)
            )
            time.sleep(RESTART_DELAY_SECONDS)
            start(number)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
