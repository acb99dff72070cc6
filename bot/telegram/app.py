"""The one place where the Telegram bot is wired together, in order."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import signal
import socket
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, Defaults

from bot.config import Settings
from bot.conversation.commands import LISTED
from bot.conversation.tutor import Tutor
from bot.render.markup import HTML
from bot.runtime import Engine, open_engine, running_engine, utc_now
from bot.telegram.handlers import Handlers
from bot.telegram.inbox import POLL_TIMEOUT, Inbox, InboxPoller
from bot.telegram.notices import NoticePush, NoticeReport
from bot.telegram.pacing import ChatRateLimiter
from bot.telegram.push import DailyPush, PushReport
from bot.telegram.updates import PerChatUpdateProcessor
from bot.telegram.webhook import InboxWebhook
from bot.telegram.workers import run_workers
from storage import DEFAULT_URL, Database
from storage.postgres import is_postgres_url

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 64
# HTTP connections to the Bot API. PTB's default (256) lets a burst open dozens, and httpcore's
# pool bookkeeping costs O(connections^2) per request (15-20% of the event loop at 100 busy
# chats in bench/bot_load.py); 16 is ample for one host: requests beyond it wait their turn.
CONNECTION_POOL_SIZE = 16
PUSH_JOB = "daily-push"
NOTICES_JOB = "notices-push"
PUSH_EVERY_SECONDS = 20
# The push paces itself a little under the overall limit, leaving room for replies to
# learners who chat during a push (the shared rate limiter still caps the sum).
PUSH_SHARE_OF_RATE = 0.97


class Services:
    """What the handlers need at run time, opened after the bot starts and closed at exit."""

    def __init__(
        self,
        settings: Settings,
        handlers: Handlers,
        rate_limiter: ChatRateLimiter,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.handlers = handlers
        self.rate_limiter = rate_limiter
        self.clock = clock
        self.engine: Engine | None = None

    async def open(self, application: Application) -> None:
        """`post_init`: start the engine (database and bank), publish the command menu, and
        schedule the daily push."""
        engine = self.engine = await open_engine(self.settings, HTML)
        self.rate_limiter.share_with_fleet(engine.db)
        tutor = self.handlers.tutor = engine.tutor
        await application.bot.set_my_commands([BotCommand(c.name, c.description) for c in LISTED])
        push = daily_push(
            self.settings,
            engine.db,
            tutor,
            application.bot,
            self.clock,
            keep_going=lambda: application.running,
        )
        notices = NoticePush(
            engine.db,
            tutor,
            application.bot,
            push.pacer,
            self.clock,
            keep_going=lambda: application.running,
        )
        self.handlers.wake_notices = lambda: application.job_queue.run_once(
            notices.tick, 0, name=NOTICES_JOB
        )
        for name, tick in ((PUSH_JOB, push.tick), (NOTICES_JOB, notices.tick)):
            for job in application.job_queue.get_jobs_by_name(name):
                job.schedule_removal()
            application.job_queue.run_repeating(
                tick, interval=PUSH_EVERY_SECONDS, first=1, name=name
            )
        questions = len(tutor.bank.questions)
        log.info("serving %d questions as @%s", questions, application.bot.username)

    def inbox(self, application: Application) -> Inbox:
        """The updates received and not yet handled; the engine must be open."""
        if self.engine is None:
            raise RuntimeError("the engine opens in post_init; the application is not running")
        return Inbox(application, self.engine.db, self.clock)

    async def close(self, application: Application) -> None:
        """`post_shutdown`: close the engine's database."""
        self.handlers.tutor = None
        if self.engine is not None:
            await self.engine.close()
            self.engine = None


def daily_push(
    settings: Settings,
    db: Database,
    tutor: Tutor,
    bot: Bot,
    clock: Callable[[], datetime] = utc_now,
    keep_going: Callable[[], bool] = lambda: True,
) -> DailyPush:
    """The question-of-the-day push; `keep_going` false stops it between messages."""
    return DailyPush(
        db,
        tutor.daily,
        bot,
        rate=settings.max_messages_per_second * PUSH_SHARE_OF_RATE,
        clock=clock,
        paid_broadcast=settings.paid_broadcast,
        keep_going=keep_going,
    )


async def push_once(settings: Settings) -> tuple[PushReport, NoticeReport]:
    """`python -m bot daily --now`: send the questions of the day and the notices due now,
    once, without polling."""
    application, services = build(settings)
    async with application, running_engine(settings, HTML) as engine:
        services.rate_limiter.share_with_fleet(engine.db)
        push = daily_push(settings, engine.db, engine.tutor, application.bot)
        report = await push.run()
        notices = NoticePush(engine.db, engine.tutor, application.bot, push.pacer, utc_now)
        return report, await notices.run()


def build_application(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Application:
    return build(settings, clock)[0]


def build(
    settings: Settings, clock: Callable[[], datetime] = utc_now
) -> tuple[Application, Services]:
    """The application with its handlers, and the services its post_init opens."""
    handlers = Handlers(clock)
    rate_limiter = ChatRateLimiter(settings.max_messages_per_second)
    services = Services(settings, handlers, rate_limiter, clock)
    application = (
        Application.builder()
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(rate_limiter)
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
        .connection_pool_size(CONNECTION_POOL_SIZE)
        .post_init(services.open)
        .post_shutdown(services.close)
        .build()
    )
    handlers.register(application)
    return application, services


async def serve(
    application: Application,
    services: Services,
    stop: asyncio.Event,
    ready: asyncio.Event | None = None,
    poll_timeout: float = POLL_TIMEOUT,
    sockets: Sequence[socket.socket] = (),
) -> None:
    """Serve as run_polling and run_webhook do (initialize, post_init, start; then stop,
    shutdown, post_shutdown), through the inbox instead of PTB's updater, until `stop`: a
    webhook when WEBHOOK_URL is set (on `sockets` if bound already), long polling
    otherwise."""
    settings = services.settings
    await application.initialize()
    try:
        await application.post_init(application)
        inbox = services.inbox(application)
        front = (
            InboxWebhook(
                inbox,
                settings.webhook_url,
                urlsplit(settings.webhook_url).path.lstrip("/"),
                settings.port,
                webhook_secret(settings),
                sockets,
            )
            if settings.webhook_url
            else InboxPoller(inbox, poll_timeout)
        )
        await application.start()
        try:
            if ready is not None:
                ready.set()
            await front.run(stop)
        finally:
            await application.stop()
    finally:
        await application.shutdown()
        await application.post_shutdown(application)


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram sends with each webhook request (derived from the token)."""
    return hashlib.sha256(settings.token.encode()).hexdigest()[:64]


async def _serve_until_signalled(
    application: Application, services: Services, sockets: Sequence[socket.socket] = ()
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(application, services, stop, sockets=sockets)
    log.info("stopped")


def run(settings: Settings) -> None:
    """Serve until SIGINT or SIGTERM: a webhook when WEBHOOK_URL is set, long polling
    otherwise. A webhook on PostgreSQL runs as WEB_CONCURRENCY worker processes."""
    workers = worker_count(settings)
    if workers == 1:
        application, services = build(settings)
        asyncio.run(_serve_until_signalled(application, services))
        return

    def serve_one(sockets: list[socket.socket]) -> None:
        application, services = build(settings)
        asyncio.run(_serve_until_signalled(application, services, sockets))

    run_workers(workers, settings.port, serve_one)


def worker_count(settings: Settings) -> int:
    """WEB_CONCURRENCY, where several processes can share the work: a webhook on a database
    shared by processes (PostgreSQL). Long polling allows one poller per token, and an
    SQLite file one process."""
    if settings.web_concurrency == 1:
        return 1
    if not settings.webhook_url:
        log.warning(
            "WEB_CONCURRENCY=%d ignored: long polling runs one process", settings.web_concurrency
        )
        return 1
    if not is_postgres_url(settings.database_url or DEFAULT_URL):
        log.warning(
            "WEB_CONCURRENCY=%d ignored: several workers need a PostgreSQL DATABASE_URL",
            settings.web_concurrency,
        )
        return 1
    return settings.web_concurrency
