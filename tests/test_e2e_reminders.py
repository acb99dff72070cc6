"""The streak saver end to end: learners build streaks through the real bot against the fake
Bot API server; the notices push (as the bot's job runs it) sends the evening reminder once,
only to a streak of 2+ days not yet extended today, in the learner's time zone, DST included."""

import asyncio
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.conversation.learner import Learner
from bot.conversation.tutor import Tutor
from bot.render.markup import HTML
from bot.telegram.app import build_application
from bot.telegram.notices import NoticePush
from bot.telegram.push import Pacer
from content import load_bank
from storage import open_database
from storage.pending import set_pending
from testing.bot_runner import running_bot
from testing.clock import Clock
from testing.fake_telegram import FakeTelegram, say

ADA, BOB, CY = 6001, 6002, 6003
GROUP = -6100
BANK = load_bank()
ANSWER = "The GIL lets only one thread execute Python bytecode at a time."


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        for user, name in ((ADA, "Ada"), (BOB, "Bob"), (CY, "Cy")):
            server.add_private_chat(user, name)
        yield server


@asynccontextmanager
async def notices(fake, database_url, clock):
    """The notices push as the bot's job runs it, on the bot's Bot, without polling."""
    settings = Settings(token=fake.token, api_url=fake.root, database_url=database_url)
    application = build_application(settings, clock)
    async with application:
        db = await open_database(database_url)
        try:
            tutor = Tutor(db, BANK, HTML)
            yield NoticePush(db, tutor, application.bot, Pacer(200.0), clock)
        finally:
            await db.close()


async def practise(fake, database_url, clock, user, days, zone="UTC"):
    """The user answers one question a day for `days` days, ending at the clock's day."""
    start = clock.moment
    clock.moment -= timedelta(days=days - 1)
    async with running_bot(fake, database_url, clock):
        await say(fake, user, f"/timezone {zone}")
        for _ in range(days):
            db = await open_database(database_url)
            await set_pending(db, user, user, "gil", clock())
            await db.close()
            await say(fake, user, ANSWER)
            clock.moment += timedelta(days=1)
    clock.moment = start


def reminders(fake, user):
    return [m for m in fake.messages_to(user) if "streak is waiting" in (m.plain_text or "")]


async def run_at(fake, database_url, clock, moment):
    clock.moment = moment
    async with notices(fake, database_url, clock) as push:
        return await push.run()


async def test_evening_reminder_once_for_a_streak_not_yet_extended(fake, database_url):
    clock = Clock(datetime(2026, 5, 5, 10, 0, tzinfo=UTC))
    await practise(fake, database_url, clock, ADA, 2, "Europe/Berlin")  # May 4 and 5
    await practise(fake, database_url, clock, BOB, 1, "Europe/Berlin")  # a 1-day streak
    await practise(fake, database_url, clock, CY, 3, "Europe/Berlin")  # and answers May 6 too
    async with running_bot(fake, database_url, Clock(datetime(2026, 5, 6, 9, tzinfo=UTC))):
        db = await open_database(database_url)
        await set_pending(db, CY, CY, "gil", datetime(2026, 5, 6, 9, tzinfo=UTC))
        await db.close()
        await say(fake, CY, ANSWER)

    await run_at(fake, database_url, clock, datetime(2026, 5, 6, 17, 59, tzinfo=UTC))
    assert not reminders(fake, ADA), "19:59 in Berlin: not yet"
    report = await run_at(fake, database_url, clock, datetime(2026, 5, 6, 18, 0, tzinfo=UTC))
    [reminder] = reminders(fake, ADA)
    assert "Your 2-day streak is waiting" in reminder.plain_text
    assert reminder.button_texts == ["Quiz me"]
    assert report.sent == 1
    assert not reminders(fake, BOB), "a 1-day streak is not worth a reminder"
    assert not reminders(fake, CY), "Cy answered today"
    await run_at(fake, database_url, clock, datetime(2026, 5, 6, 18, 30, tzinfo=UTC))
    assert len(reminders(fake, ADA)) == 1, "never twice"
    # The next evening the streak was lost overnight (no freeze): nothing more.
    await run_at(fake, database_url, clock, datetime(2026, 5, 7, 18, 1, tzinfo=UTC))
    assert len(reminders(fake, ADA)) == 1


async def test_two_pushes_at_once_send_one_reminder(fake, database_url):
    clock = Clock(datetime(2026, 5, 5, 10, 0, tzinfo=UTC))
    await practise(fake, database_url, clock, ADA, 2)
    clock.moment = datetime(2026, 5, 6, 20, 0, tzinfo=UTC)
    async with notices(fake, database_url, clock) as one, notices(fake, database_url, clock) as two:
        await asyncio.gather(one.run(), two.run())
    assert len(reminders(fake, ADA)) == 1


async def test_remind_command_sets_the_time_and_off_stops_it(fake, database_url):
    fake.add_group(GROUP, members=[ADA])
    clock = Clock(datetime(2026, 5, 5, 10, 0, tzinfo=UTC))
    await practise(fake, database_url, clock, ADA, 2)
    clock.moment = datetime(2026, 5, 6, 7, 0, tzinfo=UTC)
    async with running_bot(fake, database_url, clock):
        [shown] = await say(fake, ADA, "/remind")
        assert "Streak reminder: on, at 20:00" in shown.plain_text
        [group] = await say(fake, ADA, "/remind 07:30", chat_id=GROUP)
        assert "private chat" in group.plain_text
        [bad] = await say(fake, ADA, "/remind 25:00")
        assert "could not read" in bad.plain_text
        [moved] = await say(fake, ADA, "/remind 7:30")
        assert "on, at 07:30" in moved.plain_text
    await run_at(fake, database_url, clock, datetime(2026, 5, 6, 7, 29, tzinfo=UTC))
    assert not reminders(fake, ADA)
    await run_at(fake, database_url, clock, datetime(2026, 5, 6, 7, 30, tzinfo=UTC))
    assert len(reminders(fake, ADA)) == 1
    assert not [m for m in fake.messages_to(GROUP) if "streak is waiting" in m.plain_text]
    async with running_bot(fake, database_url, clock):
        [off] = await say(fake, ADA, "/remind off")
        assert "off" in off.plain_text
        db = await open_database(database_url)
        await set_pending(db, ADA, ADA, "gil", clock())
        await db.close()
        await say(fake, ADA, ANSWER)  # day 3 of the streak
    await run_at(fake, database_url, clock, datetime(2026, 5, 7, 7, 31, tzinfo=UTC))
    assert len(reminders(fake, ADA)) == 1, "off means off"


@pytest.mark.parametrize(
    ("days", "before", "at"),
    [
        # Spring forward in Berlin on Sun 29 March 2026: 20:00 CEST is 18:00 UTC that day,
        # an hour earlier in UTC than the evening before (20:00 CET, 19:00 UTC).
        ((2026, 3, 28), (2026, 3, 29, 17, 59), (2026, 3, 29, 18, 0)),
        # Fall back on Sun 25 October 2026: 20:00 CET is 19:00 UTC, an hour later.
        ((2026, 10, 24), (2026, 10, 25, 18, 59), (2026, 10, 25, 19, 0)),
    ],
)
async def test_the_reminder_follows_local_time_across_dst(fake, database_url, days, before, at):
    clock = Clock(datetime(*days, 10, 0, tzinfo=UTC))
    await practise(fake, database_url, clock, ADA, 2, "Europe/Berlin")
    await run_at(fake, database_url, clock, datetime(*days, 19, 30, tzinfo=UTC))
    assert not reminders(fake, ADA), "the day before: answered already"
    await run_at(fake, database_url, clock, datetime(*before, tzinfo=UTC))
    assert not reminders(fake, ADA)
    await run_at(fake, database_url, clock, datetime(*at, tzinfo=UTC))
    assert len(reminders(fake, ADA)) == 1


async def test_time_zones_far_apart_each_get_their_evening(fake, database_url):
    clock = Clock(datetime(2026, 5, 5, 12, 0, tzinfo=UTC))
    await practise(fake, database_url, clock, ADA, 2, "Asia/Tokyo")  # Tokyo: UTC+9
    await practise(fake, database_url, clock, BOB, 2, "America/New_York")  # UTC-4 in May
    await run_at(fake, database_url, clock, datetime(2026, 5, 6, 11, 0, tzinfo=UTC))
    assert len(reminders(fake, ADA)) == 1 and not reminders(fake, BOB)  # 20:00 in Tokyo
    await run_at(fake, database_url, clock, datetime(2026, 5, 7, 0, 0, tzinfo=UTC))
    assert len(reminders(fake, BOB)) == 1  # 20:00 on May 6 in New York


async def test_after_downtime_a_late_reminder_goes_out_the_same_evening_only(fake, database_url):
    clock = Clock(datetime(2026, 5, 5, 10, 0, tzinfo=UTC))
    await practise(fake, database_url, clock, ADA, 2)
    await run_at(fake, database_url, clock, datetime(2026, 5, 5, 12, 0, tzinfo=UTC))  # scheduled
    # Down from before 20:00 on May 5 until 22:00 on May 6 (the streak is frozen-or-lost only
    # after May 6 ends): one reminder, late, on May 6, none for the missed May 5 slot.
    await run_at(fake, database_url, clock, datetime(2026, 5, 6, 22, 0, tzinfo=UTC))
    [late] = reminders(fake, ADA)
    assert "2-day streak" in late.plain_text


async def test_an_answer_during_the_round_cancels_its_reminder(fake, database_url):
    clock = Clock(datetime(2026, 5, 5, 10, 0, tzinfo=UTC))
    await practise(fake, database_url, clock, ADA, 2)
    clock.moment = datetime(2026, 5, 6, 20, 0, tzinfo=UTC)
    async with notices(fake, database_url, clock) as push:
        [nudge] = await push.tutor.nudges.due(clock())
        assert await push.tutor.nudges.still_wanted(nudge, clock())
        await set_pending(push.db, ADA, ADA, "gil", clock())
        await push.tutor.answer(Learner(ADA, ADA, "Ada"), ANSWER, clock())
        assert not await push.tutor.nudges.still_wanted(nudge, clock())
        report = await push.run()
    assert not reminders(fake, ADA) and report.sent == 0


async def test_a_learner_who_blocked_the_bot_gets_no_more_nudges(fake, database_url):
    clock = Clock(datetime(2026, 5, 5, 10, 0, tzinfo=UTC))
    await practise(fake, database_url, clock, ADA, 2)
    fake.block(ADA)
    report = await run_at(fake, database_url, clock, datetime(2026, 5, 6, 20, 0, tzinfo=UTC))
    assert report.blocked == 1
    db = await open_database(database_url)
    try:
        row = await db.fetch_one("SELECT * FROM nudge_settings WHERE user_id = ?", (ADA,))
    finally:
        await db.close()
    assert (row["remind_at"], row["recap"]) == (None, 0)
    fake.unblock(ADA)
    await run_at(fake, database_url, clock, datetime(2026, 5, 7, 20, 0, tzinfo=UTC))
    assert not reminders(fake, ADA)
