"""Run the real bot, as `python -m bot` wires it, against the fake Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from telegram.ext import Application

from bot.config import Settings
from bot.runtime import utc_now
from bot.telegram.app import build, serve
from testing.fake_telegram import FakeTelegram

POLL_TIMEOUT = 1  # seconds a getUpdates call waits (a stop cancels the one in flight)


@asynccontextmanager
async def running_bot(
    fake: FakeTelegram,
    database_url: str,
    clock: Callable[[], datetime] = utc_now,
    **settings: object,
) -> AsyncIterator[Application]:
    """Start the bot as `python -m bot` does (initialize, post_init, start, poll through the
    inbox) and stop it the same way (stop polling, stop, shutdown, post_shutdown)."""
    config = Settings(token=fake.token, api_url=fake.root, database_url=database_url, **settings)
    application, services = build(config, clock)
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(serve(application, services, stop, ready, POLL_TIMEOUT))
    started = asyncio.create_task(ready.wait())
    await asyncio.wait({serving, started}, return_when=asyncio.FIRST_COMPLETED)
    started.cancel()
    if serving.done():
        await serving  # it failed to start: raise why
    try:
        yield application
    finally:
        stop.set()
        await serving
