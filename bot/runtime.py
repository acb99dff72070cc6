"""The one builder of the engine: open the database, load the bank, make the tutor.

The Telegram bot, console mode and `python -m bot daily --now` all start the engine here,
with the settings and the markup of their medium, and close it through `Engine.close`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.config import Settings
from bot.conversation.tutor import Tutor
from bot.render.markup import Markup
from content import load_bank
from storage import Database, open_database


def utc_now() -> datetime:
    """The clock every entry point hands the engine (the engine never reads one itself)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Engine:
    db: Database
    tutor: Tutor

    async def close(self) -> None:
        await self.db.close()


async def open_engine(settings: Settings, markup: Markup) -> Engine:
    """The database opened (and migrated), the bank loaded, the tutor built on them."""
    db = await open_database(settings.database_url)
    try:
        bank = load_bank()
    except BaseException:
        await db.close()
        raise
    return Engine(db, Tutor(db, bank, markup, settings.admin_ids))


@asynccontextmanager
async def running_engine(settings: Settings, markup: Markup) -> AsyncIterator[Engine]:
    """`open_engine` for the length of a `with` block."""
    engine = await open_engine(settings, markup)
    try:
        yield engine
    finally:
        await engine.close()
