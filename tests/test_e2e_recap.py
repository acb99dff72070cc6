"""The weekly recap end to end: Monday morning in the learner's time zone (DST included), the
week in numbers with the progress picture, once; nobody inactive for four weeks gets one, and
`/recap off` stops it."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.nudges import week_recap
from content import load_bank
from storage.pending import set_pending
from testing.bot_runner import running_bot
from testing.fake_telegram import FakeTelegram
from tests.test_e2e_reminders import ANSWER, Clock, run_at, say

ADA, BOB, CY = 8001, 8002, 8003
BANK = load_bank()


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        for user, name in ((ADA, "Ada"), (BOB, "Bob"), (CY, "Cy")):
            server.add_private_chat(user, name)
        yield server


async def answer_on(fake, database_url, user, moments, zone, question="gil"):
    from storage import open_database

    clock = Clock(moments[0])
    async with running_bot(fake, database_url, clock):
        await say(fake, user, f"/timezone {zone}")
        for moment in moments:
            clock.moment = moment
            db = await open_database(database_url)
            await set_pending(db, user, user, question, moment)
            await db.close()
            await say(fake, user, ANSWER)


def recaps(fake, user):
    return [m for m in fake.messages_to(user) if m.method == "sendPhoto"]


async def test_monday_morning_recap_once_with_the_picture(fake, database_url):
    week = [datetime(2026, 5, day, 10, 0, tzinfo=UTC) for day in (5, 6, 9)]
    await answer_on(fake, database_url, ADA, week, "Europe/Berlin")
    await answer_on(fake, database_url, BOB, [datetime(2026, 4, 10, 10, tzinfo=UTC)], "UTC")
    await answer_on(fake, database_url, CY, week, "Europe/Berlin")
    clock = Clock(datetime(2026, 5, 10, 12, tzinfo=UTC))
    async with running_bot(fake, database_url, clock):
        [off] = await say(fake, CY, "/recap off")
        assert "off" in off.plain_text
    await run_at(fake, database_url, clock, datetime(2026, 5, 11, 5, 59, tzinfo=UTC))
    assert not recaps(fake, ADA), "07:59 in Berlin"
    await run_at(fake, database_url, clock, datetime(2026, 5, 11, 6, 0, tzinfo=UTC))
    [recap] = recaps(fake, ADA)
    text = recap.plain_text
    assert "Your week, Mon 04 May to Sun 10 May" in text
    assert "Answers: 3, average" in text
    assert "Best section: Asyncio & concurrency" in text
    assert "Streak: " in text and "Reviews due: " in text
    assert recap.photo_bytes and recap.photo_bytes > 1000
    assert not recaps(fake, BOB), "inactive for over four weeks"
    assert not recaps(fake, CY), "/recap off"
    await run_at(fake, database_url, clock, datetime(2026, 5, 11, 9, 0, tzinfo=UTC))
    assert len(recaps(fake, ADA)) == 1, "once"
    await run_at(fake, database_url, clock, datetime(2026, 5, 18, 6, 0, tzinfo=UTC))
    assert len(recaps(fake, ADA)) == 2, "the next Monday: the week with no answers"
    assert "No answers this week" in recaps(fake, ADA)[1].plain_text


@pytest.mark.parametrize(
    ("zone", "practised", "before", "at"),
    [
        # Berlin springs forward on Sun 29 March 2026: Monday 08:00 is 06:00 UTC, not 07:00.
        ("Europe/Berlin", (2026, 3, 26), (2026, 3, 30, 5, 59), (2026, 3, 30, 6, 0)),
        # New York sprang forward on 8 March: Monday 9 March 08:00 EDT is 12:00 UTC.
        ("America/New_York", (2026, 3, 5), (2026, 3, 9, 11, 59), (2026, 3, 9, 12, 0)),
        # Berlin falls back on Sun 25 October: Monday 08:00 CET is 07:00 UTC.
        ("Europe/Berlin", (2026, 10, 22), (2026, 10, 26, 6, 59), (2026, 10, 26, 7, 0)),
    ],
)
async def test_the_recap_follows_monday_morning_across_dst(
    fake, database_url, zone, practised, before, at
):
    await answer_on(fake, database_url, ADA, [datetime(*practised, 15, tzinfo=UTC)], zone)
    clock = Clock(datetime(*before, tzinfo=UTC))
    await run_at(fake, database_url, clock, datetime(*before, tzinfo=UTC))
    assert not recaps(fake, ADA)
    await run_at(fake, database_url, clock, datetime(*at, tzinfo=UTC))
    assert len(recaps(fake, ADA)) == 1


async def test_no_late_recap_after_downtime_past_monday(fake, database_url):
    await answer_on(fake, database_url, ADA, [datetime(2026, 5, 6, 10, tzinfo=UTC)], "UTC")
    clock = Clock(datetime(2026, 5, 12, 9, tzinfo=UTC))  # down all of Monday 11 May
    await run_at(fake, database_url, clock, clock.moment)
    assert not recaps(fake, ADA)
    await run_at(fake, database_url, clock, datetime(2026, 5, 18, 8, 0, tzinfo=UTC))
    assert len(recaps(fake, ADA)) == 1


def test_week_recap_best_and_weakest_sections():
    gil, decorators = BANK.get("gil"), BANK.get("decorators-internals")
    monday = datetime(2026, 5, 11).date()
    answers = [
        (monday - timedelta(days=1), gil.id, 80),
        (monday - timedelta(days=2), decorators.id, 20),
        (monday - timedelta(days=3), decorators.id, 40),
        (monday - timedelta(days=8), gil.id, 0),  # the week before: not counted
        (monday, gil.id, 0),  # this Monday: next week's
    ]
    recap = week_recap(BANK, answers, monday)
    assert (recap.answers, round(recap.average)) == (3, 47)
    assert (recap.best.section, recap.best.average) == (gil.section, 80)
    assert (recap.weakest.section, recap.weakest.answers) == (decorators.section, 2)
