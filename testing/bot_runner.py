"""Run the real bot, as `python -m bot` wires it, against the fake Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.runtime import utc_now
from bot.telegram.app import build_application
from testing.fake_telegram import FakeTelegram

POLL_TIMEOUT = 1  # seconds a getUpdates call waits; also how long stopping may take


@asynccontextmanager
async def running_bot(
    fake: FakeTelegram,
    database_url: str,
    clock: Callable[[], datetime] = utc_now,
    **settings: object,
) -> AsyncIterator[Application]:
    """Start the bot as run_polling does (initialize, post_init, poll, start) and stop it
    the same way (stop polling, stop, shutdown, post_shutdown)."""
    config = Settings(token=fake.token, api_url=fake.root, database_url=database_url, **settings)
    application = build_application(config, clock)
    await application.initialize()
    await application.post_init(application)
    await application.updater.start_polling(
        poll_interval=0, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
    )
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)
