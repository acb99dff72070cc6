"""The fake Telegram server, driven by a real python-telegram-bot Application and Bot."""

import asyncio
import datetime as dtm
import socket
from collections import Counter

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from testing.fake_telegram import FakeTelegram, FloodLimits, HtmlError, format_text, parse_html

TOKEN = "123456:TEST-TOKEN"
USER = 42
GROUP = -1001234


def endpoints(fake: FakeTelegram) -> dict[str, str]:
    return {"base_url": f"{fake.root}/bot", "base_file_url": f"{fake.root}/file/bot"}


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


@pytest.fixture
async def fake():
    server = FakeTelegram(TOKEN, bot_username="EchoTestBot")
    await server.start()
    server.add_private_chat(USER, first_name="Ada")
    yield server
    await server.stop()


@pytest.fixture
async def bot(fake):
    async with Bot(TOKEN, **endpoints(fake)) as client:
        yield client


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(update.message.text, do_quote=True)


async def offer_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = [[InlineKeyboardButton("Yes", callback_data="yes")]]
    keyboard[0].append(InlineKeyboardButton("No", callback_data="no"))
    await update.message.reply_text("Ready?", reply_markup=InlineKeyboardMarkup(keyboard))


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer(f"Noted: {query.data}")
    await query.edit_message_text(f"You chose <b>{query.data}</b>", parse_mode="HTML")


@pytest.fixture
async def app(fake):
    application = Application.builder().token(TOKEN).base_url(f"{fake.root}/bot")
    application = application.base_file_url(f"{fake.root}/file/bot").build()
    application.add_handler(CommandHandler("choose", offer_choice))
    application.add_handler(CallbackQueryHandler(choose))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=5))
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


# --- a real Application end to end


async def test_echo_round_trip(fake, app):
    sent = fake.user_sends(USER, "x < y & z")
    [reply] = await fake.wait_for_messages(USER, 1)
    assert reply.text == "x < y & z"
    assert reply.reply_to_message_id == sent["message_id"]
    assert reply.message_id == sent["message_id"] + 1

    second = fake.user_sends(USER, "again")
    [reply] = await fake.wait_for_messages(USER, 1, since=1)
    assert (reply.text, reply.message_id) == ("again", second["message_id"] + 1)


async def test_button_press_is_answered_and_edits_the_message(fake, app):
    fake.user_sends(USER, "/choose")
    [question] = await fake.wait_for_messages(USER, 1)
    assert question.callback_data == ["yes", "no"]

    fake.user_presses(USER, question, "yes")
    [answer] = await fake.wait_for_calls("answerCallbackQuery")
    [edit] = await fake.wait_for_calls("editMessageText")
    assert answer.text == "Noted: yes"
    assert edit.plain_text == "You chose yes"
    shown = fake.message(USER, question.message_id)
    assert shown["entities"] == [{"type": "bold", "offset": 10, "length": 3}]
    assert "reply_markup" not in shown  # editing without reply_markup drops the keyboard
    with pytest.raises(ValueError, match="no button"):
        fake.user_presses(USER, question, "no")


async def test_hundred_users_at_once(fake, app):
    users = range(1000, 1100)
    for user in users:
        fake.user_sends(user, f"hello from {user}")
        fake.user_sends(user, f"bye from {user}")
    for user in users:
        replies = await fake.wait_for_messages(user, 2)
        assert [r.text for r in replies] == [f"hello from {user}", f"bye from {user}"]
    assert fake.stats.delivered_total == 200
    assert fake.duplicates() == 0


# --- what Telegram rejects


async def test_html_error_is_bad_request_and_recorded(fake, bot):
    # PTB drops "Bad Request: " and capitalize()s the rest of the description
    with pytest.raises(BadRequest, match="unsupported start tag"):
        await bot.send_message(USER, "x <y> z", parse_mode="HTML")
    [rejection] = fake.rejected
    assert rejection.description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "y" at byte offset 2'
    )
    fake.rejected.clear()


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("1<2", "Unclosed start tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("é<p>x</p>", 'Unsupported start tag "p" at byte offset 2'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Q&A", 'Unescaped "&" at byte offset 1'),
    ],
)
def test_html_errors_use_telegram_wording(html, error):
    with pytest.raises(HtmlError) as info:
        parse_html(html)
    assert str(info.value).startswith(error)


def test_html_entities_and_visible_text():
    parsed = parse_html(
        "<b>Bold <i>it</i></b> &lt;tag&gt; &amp; <tg-spoiler>s</tg-spoiler>\n"
        '<pre><code class="language-python">x = 1</code></pre>\n'
        "<blockquote expandable>long</blockquote> "
        '<a href="https://e.org/?a=1&b=2">link</a> 😀<u>u</u>'
    )
    assert parsed.text == "Bold it <tag> & s\nx = 1\nlong link 😀u"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 7},
        {"type": "italic", "offset": 5, "length": 2},
        {"type": "spoiler", "offset": 16, "length": 1},
        {"type": "pre", "offset": 18, "length": 5, "language": "python"},
        {"type": "expandable_blockquote", "offset": 24, "length": 4},
        {"type": "text_link", "offset": 29, "length": 4, "url": "https://e.org/?a=1&b=2"},
        {"type": "underline", "offset": 36, "length": 1},  # the emoji is 2 UTF-16 units
    ]
    assert parse_html("Q&A", strict_ampersand=False).text == "Q&A"
    assert format_text("  <b> hi </b>\n", "HTML").entities == [
        {"type": "bold", "offset": 0, "length": 2}
    ]


async def test_text_length_is_counted_in_utf16_after_parsing(fake, bot):
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(USER, "😀" * 2048)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "😀" * 2048 + "!")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode="HTML")
    assert len(fake.rejected) == 2
    fake.rejected.clear()


async def test_keyboards_chats_and_edits_are_checked(fake, bot):
    long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "pick", reply_markup=long_data)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(777, "hi")
    message = await bot.send_message(USER, "one")
    await bot.edit_message_text("<b>one</b>", USER, message.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<strong>one</strong>", USER, message.message_id, parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("two", USER, 999)
    assert len(fake.rejected) == 4
    fake.rejected.clear()


async def test_strict_mode_fails_fast_and_at_stop():
    fake = FakeTelegram(TOKEN)
    await fake.start()
    fake.add_private_chat(USER)
    async with Bot(TOKEN, **endpoints(fake)) as bot:
        await bot.send_message(USER, "only one")
        with pytest.raises(AssertionError, match="only one"):
            await fake.wait_for_messages(USER, 2, timeout=0.2)
        with pytest.raises(BadRequest):
            await bot.send_message(USER, "<i>unclosed", parse_mode="HTML")
        with pytest.raises(AssertionError, match="Can't find end tag"):
            await fake.wait_for_messages(USER, 2)
    with pytest.raises(AssertionError, match="rejects"):
        await fake.stop()


# --- injected failures and limits


async def test_scripted_failures_become_ptb_errors(fake, bot):
    fake.fail_next(chat_id=USER, status=429, retry_after=7)
    fake.fail_next(chat_id=USER, status=500)
    fake.fail_next(method="sendMessage", status=502)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER, "a")
    assert retry_seconds(info.value) == 7
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER, "a")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "a")
    await bot.send_message(USER, "finally")
    assert [m.text for m in fake.messages_to(USER)] == ["finally"]
    assert fake.stats.too_many_requests == 1
    assert fake.stats.by_status[500] == fake.stats.by_status[502] == 1


async def test_slow_answer_times_out_yet_delivers(fake, bot):
    fake.fail_next(chat_id=USER, status=None, delay=0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "daily question", read_timeout=0.1)
    await fake.wait_for_messages(USER, 1)
    await bot.send_message(USER, "daily question")  # a naive retry
    assert fake.duplicates() == 1


async def test_blocked_deactivated_and_removed_chats(fake, bot):
    fake.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "daily question")
    fake.add_private_chat(43)
    fake.deactivate(43)
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(43, "daily question")
    fake.add_private_chat(44)
    fake.remove_chat(44)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(44, "daily question")
    assert fake.rejected == []  # the test set these up: not bot mistakes
    [update] = await bot.get_updates(timeout=0)
    assert update.my_chat_member.new_chat_member.status == "kicked"


async def test_flood_limits_per_private_chat_and_group():
    async with FakeTelegram(TOKEN, flood=FloodLimits(per_second=1000)) as fake:
        fake.add_private_chat(USER)
        fake.add_group(GROUP, members={USER})
        async with Bot(TOKEN, **endpoints(fake)) as bot:
            for _ in range(3):  # the tolerated burst
                await bot.send_message(USER, "hi")
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(USER, "hi")
            assert retry_seconds(info.value) == 1
            for _ in range(20):
                await bot.send_message(GROUP, "hi all")
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(GROUP, "hi all")
            assert retry_seconds(info.value) == 3  # 20 per minute: one every 3 s
        assert fake.stats.too_many_requests == 2
        assert fake.stats.delivered == {USER: 3, GROUP: 20}


async def test_global_flood_limit_and_paid_broadcast():
    async with FakeTelegram(TOKEN, flood=FloodLimits(per_second=5)) as fake:
        users = range(1, 21)
        for user in users:
            fake.add_private_chat(user)
        async with Bot(TOKEN, **endpoints(fake)) as bot:
            sends = [bot.send_message(user, "news") for user in users[:10]]
            results = await asyncio.gather(*sends, return_exceptions=True)
            limited = [r for r in results if isinstance(r, RetryAfter)]
            assert 4 <= len(limited) <= 5  # 5 per second, plus what refills meanwhile
            assert {retry_seconds(r) for r in limited} == {1}
            paid = [bot.send_message(u, "news", allow_paid_broadcast=True) for u in users[10:]]
            await asyncio.gather(*paid)
        assert fake.stats.delivered_total == 20 - len(limited)


# --- polling


async def test_long_polling_returns_when_an_update_arrives(fake, bot):
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=dtm.timedelta(seconds=5)))
    await asyncio.sleep(0.2)
    fake.user_sends(USER, "hello")
    updates = await poll
    assert loop.time() - started < 1
    assert [u.message.text for u in updates] == ["hello"]
    assert await bot.get_updates(timeout=0) == updates  # not confirmed yet
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()

    started = loop.time()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=1)) == ()
    assert 0.9 < loop.time() - started < 2


async def test_second_poller_conflicts_and_allowed_updates_filter(fake, bot):
    async with Bot(TOKEN, **endpoints(fake)) as first_instance:
        first = asyncio.create_task(first_instance.get_updates(timeout=dtm.timedelta(seconds=5)))
        await asyncio.sleep(0.1)
        assert await bot.get_updates(timeout=0) == ()
        with pytest.raises(Conflict):
            await first

    fake.user_sends(USER, "text")
    fake.user_presses(USER, 999, "forged", forged=True)
    [update] = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert update.callback_query.data == "forged"
    assert not update.callback_query.message.is_accessible
    await bot.answer_callback_query(update.callback_query.id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(update.callback_query.id)
    fake.rejected.clear()


async def test_unknown_token_and_method(fake):
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", **endpoints(fake)):
            pass
    async with Bot(TOKEN, **endpoints(fake)) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("noSuchMethod")


# --- other methods


async def test_photo_upload_is_multipart_and_recorded(fake, bot):
    data = b"\x89PNG\r\n" + bytes(5000)
    message = await bot.send_photo(USER, photo=data, caption="<i>diagram</i>", parse_mode="HTML")
    assert message.photo[-1].file_size == len(data)
    await bot.send_photo(USER, photo=message.photo[-1].file_id)
    first, second = fake.messages_to(USER)
    assert (first.photo_bytes, first.plain_text) == (len(data), "diagram")
    assert second.photo_bytes == len(data)


async def test_group_privacy_members_and_commands(fake, bot):
    fake.add_group(GROUP, "Python study", creator=6, admins={7}, members={8})
    fake.user_sends(8, "just chatting", chat_id=GROUP)
    fake.user_sends(8, "/quiz@EchoTestBot", chat_id=GROUP)
    fake.user_sends(8, "/quiz@OtherBot", chat_id=GROUP)
    question = await bot.send_message(GROUP, "What is the GIL?")
    fake.user_sends(8, "a lock", chat_id=GROUP, reply_to_message_id=question.message_id)
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["/quiz@EchoTestBot", "a lock"]
    assert updates[0].message.entities[0].type == "bot_command"

    members = [await bot.get_chat_member(GROUP, user) for user in (6, 7, 8)]
    assert [m.status for m in members] == ["creator", "administrator", "member"]
    assert (await bot.get_chat(GROUP)).title == "Python study"
    await bot.send_chat_action(GROUP, "typing")
    assert await bot.delete_message(GROUP, question.message_id)
    assert fake.message(GROUP, question.message_id) is None

    await bot.set_my_commands([("quiz", "Ask me a question")])
    assert fake.commands() == [{"command": "quiz", "description": "Ask me a question"}]
    assert (await bot.get_my_commands())[0].command == "quiz"
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Quiz-Me", "bad name")])
    fake.rejected.clear()


# --- documents and inline queries


async def test_send_document_records_the_file_and_its_name(fake, bot):
    from telegram import InputFile

    message = await bot.send_document(USER, InputFile(b"a,b\n1,2\n", filename="t.csv"), caption="x")
    assert message.document.file_name == "t.csv"
    [call] = fake.messages_to(USER)
    assert (call.method, call.document, call.file_name, call.text) == (
        "sendDocument",
        b"a,b\n1,2\n",
        "t.csv",
        "x",
    )
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(USER, "no-such-file-id")
    fake.rejected.clear()


async def test_inline_query_answer_and_choosing_a_result(fake, bot):
    from telegram import InlineQueryResultArticle, InputTextMessageContent

    query = fake.user_inline_query(USER, "gil")
    [update] = await bot.get_updates()
    assert update.inline_query.query == "gil"
    button = InlineKeyboardButton("Open", url="https://t.me/EchoTestBot?start=q_gil")
    article = InlineQueryResultArticle(
        "gil",
        "The GIL",
        InputTextMessageContent("<b>GIL</b> &amp; threads", parse_mode="HTML"),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )
    with pytest.raises(BadRequest, match="Result_id_duplicate"):
        await bot.answer_inline_query(query["id"], [article, article])
    assert await bot.answer_inline_query(query["id"], [article])
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_inline_query(query["id"], [article])
    fake.rejected.clear()
    fake.add_group(GROUP, members=[USER])
    posted = fake.user_chooses_inline_result(USER, query["id"], "gil", chat_id=GROUP)
    assert posted.plain_text == "GIL & threads"
    assert fake.message(GROUP, posted.message_id)["via_bot"]["username"] == "EchoTestBot"


# --- webhook delivery to several workers

SECRET = "s3cret"


class Worker:
    """A webhook receiver on 127.0.0.1 answering `status`; `hold` keeps requests open."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.hold: asyncio.Event | None = None
        self.received: list[int] = []
        self.secrets: set[str | None] = set()
        self.in_flight = 0
        self.most_in_flight = 0
        self.changed = asyncio.Condition()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/hook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_in_flight(self, count: int) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: self.in_flight >= count), 5)

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.append((await request.json())["update_id"])
        self.secrets.add(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        async with self.changed:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.changed.notify_all()
        try:
            if self.hold is not None:
                await self.hold.wait()
        finally:
            self.in_flight -= 1
        return web.Response(status=self.status)


@pytest.fixture
async def workers():
    started: list[Worker] = []

    async def start(*statuses: int) -> list[Worker]:
        for status in statuses:
            worker = Worker(status)
            await worker.start()
            started.append(worker)
        return started[-len(statuses) :]

    yield start
    for worker in started:
        if worker.hold is not None:
            worker.hold.set()
        await worker.stop()


def dead_url() -> str:
    """A url nothing listens on: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/hook"


def delivered(fake: FakeTelegram) -> Counter[int]:
    """How many times each update was answered with a 2xx."""
    return Counter(attempt.update_id for attempt in fake.webhook_deliveries if attempt.ok)


async def test_webhooks_go_round_robin_with_the_secret(fake, bot, workers):
    pool = await workers(200, 200, 200)
    fake.deliver_webhooks([w.url for w in pool], SECRET)
    await bot.set_webhook("https://bot.example/hook")  # the bot's own URL changes nothing
    sent = [fake.user_sends(USER, f"answer {n}") for n in range(6)]
    await fake.webhooks_idle()

    ids = sorted(delivered(fake))
    assert len(ids) == len(sent)
    assert [w.received for w in pool] == [ids[0::3], ids[1::3], ids[2::3]]
    assert all(w.secrets == {SECRET} for w in pool)
    assert [a.result for a in fake.webhook_deliveries] == [200] * 6
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)


async def test_failed_deliveries_are_retried_on_the_next_worker(fake, workers):
    failing, healthy = await workers(500, 200)
    fake.deliver_webhooks([failing.url, dead_url(), healthy.url], SECRET, retry_delay=0.01)
    for n in range(6):
        fake.user_sends(USER, f"answer {n}")
    await fake.webhooks_idle()

    assert sorted(healthy.received) == sorted(delivered(fake))
    assert set(delivered(fake).values()) == {1}
    assert len(healthy.received) == 6
    failures = {a.result for a in fake.webhook_deliveries if not a.ok}
    assert failures == {500, "ClientConnectorError"}
    assert not fake.updates


async def test_duplicates_deliver_an_update_twice_to_two_workers(fake, workers):
    pool = await workers(200, 200)
    fake.deliver_webhooks([w.url for w in pool], SECRET, duplicates=1.0)
    for n in range(4):
        fake.user_sends(USER, f"answer {n}")
    await fake.webhooks_idle()

    assert set(delivered(fake).values()) == {2}
    for update_id in delivered(fake):
        urls = {a.url for a in fake.webhook_deliveries if a.update_id == update_id}
        assert len(urls) == 2
    assert sorted(pool[0].received) == sorted(pool[1].received)


async def test_updates_of_one_chat_are_in_flight_together(fake, workers):
    [worker] = await workers(200)
    worker.hold = asyncio.Event()
    fake.deliver_webhooks([worker.url], SECRET, max_connections=3)
    for n in range(4):
        fake.user_sends(USER, f"answer {n}")
    await worker.wait_in_flight(3)
    worker.hold.set()
    await fake.webhooks_idle()

    assert worker.most_in_flight == 3
    assert sorted(worker.received) == sorted(delivered(fake))
    assert len(worker.received) == 4


async def test_stopping_the_fake_stops_delivery(workers):
    [worker] = await workers(200)
    worker.hold = asyncio.Event()
    async with FakeTelegram(TOKEN) as server:
        server.add_private_chat(USER)
        server.deliver_webhooks([worker.url, dead_url()], SECRET, retry_delay=0.01)
        server.user_sends(USER, "held")
        server.user_sends(USER, "refused, then held")
        await worker.wait_in_flight(2)
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("webhook")]
    assert not any(a.ok for a in server.webhook_deliveries)
