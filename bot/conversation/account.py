"""The learner's own place in the bot: `/start`, `/timezone` (the daily question and the
streak follow it) and `/forget`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.conversation.actions import FORGET_NO, FORGET_YES, MENU
from bot.conversation.daily import DailyQuestions
from bot.conversation.learner import Learner
from bot.conversation.nudges import Nudges
from bot.conversation.phrases import did_you_mean
from bot.conversation.reply import Reply
from bot.conversation.streaks import Streaks
from bot.core.lookup import find_timezone, utc_offset_of
from bot.render.markup import Markup, isolated
from content import Bank
from storage import Database
from storage.learners import ensure_learner, forget_learner, get_timezone, set_timezone


class Account:
    def __init__(
        self,
        db: Database,
        bank: Bank,
        markup: Markup,
        daily: DailyQuestions,
        streaks: Streaks,
        nudges: Nudges,
    ) -> None:
        self.db = db
        self.bank = bank
        self.m = markup
        self.daily = daily
        self.streaks = streaks
        self.nudges = nudges

    async def start(self, who: Learner, now: datetime) -> Reply:
        await ensure_learner(self.db, who.user_id, who.name, now)
        intro = (
            f"{self.m.bold('Python interview practice.')}\n"
            f"I ask interview questions ({len(self.bank.questions)} of them, 8 sections).\n"
            "You answer in your own words; I show which key points you covered and missed.\n"
            "Answer every day to keep your streak."
        )
        return Reply.of(intro, buttons=MENU)

    async def set_timezone(self, who: Learner, query: str, now: datetime) -> Reply:
        await ensure_learner(self.db, who.user_id, who.name, now)
        if not query.strip():
            current = await get_timezone(self.db, who.user_id)
            text = f"Your time zone is {current}. Change it with /timezone Europe/Berlin."
            return Reply.of(self.m.escape(text))
        found = find_timezone(query)
        if found.match is None:
            offer = f" {did_you_mean(found.suggestions)}" if found.suggestions else ""
            text = f"I don't know the time zone “{isolated(query.strip()[:50])}”.{offer}"
            return Reply.of(self.m.escape(text + " Use a name like Europe/Berlin."))
        await set_timezone(self.db, who.user_id, found.match)
        await self.daily.timezone_changed(who.user_id, found.match, now)
        await self.streaks.timezone_changed(who.user_id, found.match)
        await self.nudges.timezone_changed(who.user_id)
        zone = found.match
        local = now.astimezone(ZoneInfo(zone))
        offset = utc_offset_of(zone)
        named = f"{offset} ({zone})" if offset else zone
        text = f"Time zone set to {named} (your time now: {local:%H:%M})."
        typed = query.strip()
        if not offset and typed.casefold() != zone.casefold():
            text = f"I read “{isolated(typed[:50])}” as {zone}. {text}"
        return Reply.of(self.m.escape(text))

    def forget_confirm(self, who: Learner) -> Reply:
        if who.group:
            return Reply.of(self.m.escape("To delete your data, send /forget in a private chat."))
        text = (
            "Delete everything I store about you: answers, streaks, settings? "
            "This cannot be undone."
        )
        return Reply.of(self.m.escape(text), buttons=[[FORGET_YES, FORGET_NO]])

    async def forget(self, who: Learner) -> Reply:
        if who.group:
            return self.forget_confirm(who)
        await forget_learner(self.db, who.user_id)
        return Reply.of(self.m.escape("Done: everything about you is deleted. /start begins anew."))

    def kept(self) -> Reply:
        return Reply.of(self.m.escape("Kept everything."))
