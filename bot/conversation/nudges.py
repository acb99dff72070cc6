"""Messages the bot sends on its own initiative, conversation side: which are due, what they
say, and their schedules. The adapter sends them through the notices push."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.conversation.reply import Reply
from bot.render.markup import Markup
from content import Bank
from storage import Database
from storage.notices import NoticeKind


@dataclass(frozen=True, slots=True)
class Nudge:
    """One scheduled notice to send: to whom, what kind, its key (one per chat, kind and key)
    and its message."""

    chat_id: int
    kind: NoticeKind
    key: str
    reply: Reply
    user_id: int


class Nudges:
    def __init__(self, db: Database, bank: Bank, markup: Markup) -> None:
        self.db = db
        self.bank = bank
        self.m = markup

    async def due(self, now: datetime) -> list[Nudge]:
        """The scheduled notices due by `now`."""
        return []

    async def handled(self, nudge: Nudge, now: datetime) -> None:
        """The nudge was claimed (sent now or before): move its schedule on."""

    async def unreachable(self, chat_id: int) -> None:
        """The chat blocked the bot or is gone: stop scheduling notices to it."""
