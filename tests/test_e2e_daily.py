"""The question of the day end to end: storage, the push, and the fake Bot API server."""

import asyncio
import os
import signal
import subprocess
import sys
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.learner import Learner
from bot.conversation.tutor import Tutor
from bot.core.daily import first_due
from bot.render.markup import HTML
from bot.telegram.app import build_application, daily_push
from content import load_bank
from storage import open_database
from storage.subscriptions import (
    DeliveryStatus,
    Subscription,
    delivery_status,
    get_subscription,
    subscribe,
)
from testing.bot_runner import running_bot
from testing.clock import Clock
from testing.fake_telegram import FakeTelegram, FloodLimits

ROOT = Path(__file__).resolve().parent.parent
ADA, BOB, CY = 2001, 2002, 2003
BANK = load_bank()


@asynccontextmanager
async def push_setup(fake, database_url, clock, **push_options):
    """The bot's Bot (initialized, not polling), the database, the tutor and a push."""
    settings = Settings(
        token=fake.token,
        api_url=fake.root,
        database_url=database_url,
        max_messages_per_second=push_options.pop("rate", 200.0),
    )
    application = build_application(settings, clock)
    async with application:
        db = await open_database(database_url)
        try:
            tutor = Tutor(db, BANK, HTML)
            push = daily_push(settings, db, tutor, application.bot, clock)
            for name, value in push_options.items():
                setattr(push, name, value)
            yield db, tutor, push
        finally:
            await db.close()


async def subscribe_at(db, chat_id, send_at, zone, now, group=False):
    due = first_due(now, send_at, zone)
    await subscribe(db, Subscription(chat_id, chat_id, group, zone, send_at, due, True), now)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        for user in (ADA, BOB, CY):
            server.add_private_chat(user)
        yield server


async def test_daily_command_then_the_job_queue_delivers_it(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 6, 30, tzinfo=UTC))  # 08:30 in Berlin
    async with running_bot(fake, database_url, clock=clock):
        fake.user_sends(ADA, "/timezone Europe/Berlin")
        fake.user_sends(ADA, "/daily 08:30")
        [question] = await fake.wait_for_messages(ADA, 1, since=2, timeout=10)
    assert "Question of the day, Monday 04 May" in question.plain_text
    async with push_setup(fake, database_url, clock) as (db, _, push):
        report = await push.run()
        assert report.sent == 0
        assert await delivery_status(db, ADA, date(2026, 5, 4)) is DeliveryStatus.SENT
    assert len(fake.messages_to(ADA)) == 3


async def test_same_question_for_everyone_and_answering_it_counts(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    async with push_setup(fake, database_url, clock) as (db, tutor, push):
        for user in (ADA, BOB):
            await subscribe_at(db, user, time(9), "UTC", clock())
        report = await push.run()
        assert report.sent == 2
        ada, bob = fake.messages_to(ADA)[0], fake.messages_to(BOB)[0]
        assert ada.plain_text == bob.plain_text
        question = tutor.daily.question_for(date(2026, 5, 4))
        assert question.prompt.split()[0] in ada.plain_text
        reply = await tutor.answer(Learner(ADA, ADA), question.answer, clock(), ada.message_id)
        assert "Strong answer" in reply.parts[0]
        streak = await tutor.streaks.show(ADA, clock())
        assert "Current streak: 1 day" in streak.parts[0]


async def test_running_twice_sends_nothing_new(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    async with push_setup(fake, database_url, clock) as (db, _, push):
        await subscribe_at(db, ADA, time(9), "UTC", clock())
        assert (await push.run()).sent == 1
        assert (await push.run()).sent == 0
        clock.moment += timedelta(hours=12)
        assert (await push.run()).sent == 0
        clock.moment += timedelta(hours=12)
        assert (await push.run()).sent == 1
    assert len(fake.messages_to(ADA)) == 2
    assert fake.duplicates() == 0


async def test_blocked_and_vanished_chats_are_unsubscribed(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    fake.block(BOB)
    fake.remove_chat(CY)
    async with push_setup(fake, database_url, clock) as (db, _, push):
        for user in (ADA, BOB, CY):
            await subscribe_at(db, user, time(9), "UTC", clock())
        report = await push.run()
        assert (report.sent, report.blocked) == (1, 2)
        assert not (await get_subscription(db, BOB)).active
        assert not (await get_subscription(db, CY)).active
        assert (await get_subscription(db, ADA)).active


async def test_429_waits_its_retry_after_and_the_message_goes_out_once(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    fake.fail_next(2, chat_id=ADA, method="sendMessage", status=429, retry_after=1)
    async with push_setup(fake, database_url, clock) as (db, _, push):
        await subscribe_at(db, ADA, time(9), "UTC", clock())
        started = asyncio.get_running_loop().time()
        report = await push.run()
        waited = asyncio.get_running_loop().time() - started
    assert report.sent == 1
    assert waited >= 2
    assert len(fake.messages_to(ADA)) == 1


async def test_server_errors_retry_with_backoff_then_give_up_for_the_day(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    fake.fail_next(2, chat_id=ADA, method="sendMessage", status=502)
    fake.fail_next(10, chat_id=BOB, method="sendMessage", status=500)
    async with push_setup(fake, database_url, clock, backoff=0.01) as (db, _, push):
        for user in (ADA, BOB):
            await subscribe_at(db, user, time(9), "UTC", clock())
        report = await push.run()
        assert (report.sent, report.failed) == (1, 1)
        assert await delivery_status(db, BOB, date(2026, 5, 4)) is DeliveryStatus.FAILED
        assert (await get_subscription(db, BOB)).active
        clock.moment += timedelta(days=1)
        fake._failures.clear()
        assert (await push.run()).sent == 2


async def test_a_send_that_times_out_is_not_repeated(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    fake.fail_next(1, chat_id=ADA, method="sendMessage", status=None, delay=6)  # > 5 s read
    async with push_setup(fake, database_url, clock) as (db, _, push):
        await subscribe_at(db, ADA, time(9), "UTC", clock())
        report = await push.run()
        assert report.failed == 1
        await asyncio.sleep(1.5)  # the slow answer arrives: Telegram delivered it after all
    assert len(fake.messages_to(ADA)) == 1
    assert fake.duplicates() == 0


async def test_after_downtime_todays_delivery_goes_out_late_and_yesterdays_not(fake, database_url):
    subscribed = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # 08:00 Berlin, due 09:00
    clock = Clock(subscribed)
    async with push_setup(fake, database_url, clock) as (db, _, push):
        await subscribe_at(db, ADA, time(9), "Europe/Berlin", clock())
        clock.moment = datetime(2026, 5, 5, 10, 0, tzinfo=UTC)  # down until 12:00 next day
        report = await push.run()
        assert (report.sent, report.rescheduled) == (1, 1)
    [late] = fake.messages_to(ADA)
    assert "Tuesday 05 May" in late.plain_text


async def test_a_half_past_two_subscription_on_the_spring_forward_day(fake, database_url):
    clock = Clock(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    async with push_setup(fake, database_url, clock) as (db, _, push):
        await subscribe_at(db, ADA, time(2, 30), "Europe/Berlin", clock())
        clock.moment = datetime(2026, 3, 29, 1, 29, tzinfo=UTC)  # 02:29 CET, before the jump
        assert (await push.run()).sent == 0
        clock.moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
        assert (await push.run()).sent == 1
        subscription = await get_subscription(db, ADA)
        assert subscription.next_due == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)


async def test_group_subscription_posts_to_the_group_and_replies_answer_it(fake, database_url):
    group = -100200
    fake.add_group(group, admins=[ADA], members=[BOB])
    clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    async with push_setup(fake, database_url, clock) as (db, tutor, push):
        await subscribe_at(db, group, time(9), "UTC", clock(), group=True)
        assert (await push.run()).sent == 1
        [posted] = fake.messages_to(group)
        assert "Reply to this message" in posted.plain_text
        question = tutor.daily.question_for(date(2026, 5, 4))
        bob = Learner(BOB, group, "Bob", group=True)
        reply = await tutor.answer(bob, question.answer, clock(), reply_to=posted.message_id)
        assert "Strong answer" in reply.parts[0]


async def test_the_push_keeps_under_the_flood_limit(database_url):
    limits = FloodLimits(per_second=50)
    async with FakeTelegram(flood=limits) as server:
        users = range(3000, 3060)
        for user in users:
            server.add_private_chat(user)
        clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
        async with push_setup(server, database_url, clock, rate=50.0) as (db, _, push):
            for user in users:
                await subscribe_at(db, user, time(9), "UTC", clock())
            report = await push.run()
        assert report.sent == 60
        assert server.stats.too_many_requests == 0
        assert all(len(server.messages_to(user)) == 1 for user in users)


def bot_process(fake, database_url):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.root,
        "DATABASE_URL": database_url,
        "TELEGRAM_MAX_RATE": "100",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "daily", "--now"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def test_kill_9_mid_push_resumes_without_duplicates_or_gaps(fake, database_url):
    users = list(range(4000, 4080))
    for user in users:
        fake.add_private_chat(user)
    now = datetime.now(UTC)
    due = now - timedelta(seconds=1)
    db = await open_database(database_url)
    for user in users:
        await subscribe(db, Subscription(user, user, False, "UTC", due.time(), due, True), now)
    await db.close()

    first = bot_process(fake, database_url)
    await fake.wait_for_messages(users[0], 1, timeout=20)
    while fake.stats.delivered_total < 30:
        await asyncio.sleep(0.01)
    # The next requests hang at the server (as a slow Telegram would): every worker of the
    # push is then waiting on a request that has arrived, and the process dies right there.
    fake.fail_next(20, method="sendMessage", status=None, delay=1.5)
    await asyncio.sleep(0.5)
    first.send_signal(signal.SIGKILL)
    first.wait()
    await asyncio.sleep(1.5)  # the hung requests complete: Telegram delivers what it received
    in_flight = fake.stats.delivered_total
    assert 30 <= in_flight < len(users)

    second = bot_process(fake, database_url)
    while second.poll() is None:
        await asyncio.sleep(0.05)
    output = second.stdout.read().decode()
    assert second.returncode == 0, second.stderr.read().decode()
    assert "sent=" in output
    assert [len(fake.messages_to(user)) for user in users] == [1] * len(users)
    assert fake.duplicates() == 0


async def test_a_daily_question_replaces_an_unanswered_quiz_question(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    async with push_setup(fake, database_url, clock) as (db, tutor, push):
        ada = Learner(ADA, ADA, "Ada")
        await tutor.practice.topic(ada, "gil", clock())
        await subscribe_at(db, ADA, time(9), "UTC", clock())
        assert (await push.run()).sent == 1
        question = tutor.daily.question_for(date(2026, 5, 4))
        reply = await tutor.answer(ada, question.answer, clock())
        assert "Strong answer" in reply.parts[0]
