"""Update handlers: parse who and what, ask the tutor, send its reply. No logic of their own."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from telegram import (
    Chat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.conversation.commands import BY_NAME, run_command
from bot.conversation.learner import Learner
from bot.conversation.reply import Reply
from bot.conversation.share import SharedQuestion
from bot.conversation.tutor import Tutor
from bot.telegram.send import send_reply

log = logging.getLogger(__name__)

NEW_MESSAGE = filters.UpdateType.MESSAGE
PRIVATE = filters.ChatType.PRIVATE
TEXT_ONLY = "I read text answers only. Please type your answer as a message."
EDITED = "I grade the first version of an answer. To change it, send it again as a new message."
SORRY = "Sorry, something went wrong on my side. Please try again."
INLINE_CACHE_SECONDS = 300  # the bank changes only with a deploy


class Handlers:
    """The bot's handlers; `tutor` is set when the database opens (in `post_init`)."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.tutor: Tutor | None = None
        self.wake_notices: Callable[[], object] | None = None  # set with the notices push

    def register(self, application: Application) -> None:
        """Order matters: the first handler whose filter matches takes the update."""
        application.add_handler(CommandHandler(list(BY_NAME), self.on_command, NEW_MESSAGE))
        application.add_handler(MessageHandler(NEW_MESSAGE & filters.COMMAND, self.on_command))
        application.add_handler(MessageHandler(NEW_MESSAGE & filters.TEXT, self.on_text))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(InlineQueryHandler(self.on_inline_query))
        edited = filters.UpdateType.EDITED_MESSAGE & PRIVATE
        application.add_handler(MessageHandler(edited, self.on_edited))
        application.add_handler(MessageHandler(NEW_MESSAGE & PRIVATE, self.on_attachment))
        application.add_error_handler(self.on_error)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        name, args = _split_command(message.text)
        name, _, addressee = name.removeprefix("/").partition("@")
        if addressee and addressee.casefold() != context.bot.username.casefold():
            return
        who = _learner(update.effective_user, message.chat)
        command = BY_NAME.get(name.casefold())
        if command is None and who.group:
            return
        if command and command.needs_admin_status and who.group and args.strip():
            who = replace(who, admin=await _is_admin(context, message))
        reply = await run_command(self._tutor, who, name, args, self.clock())
        await self._send(context, who, reply, message.message_id if who.group else None)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        who = _learner(update.effective_user, message.chat)
        replied = message.reply_to_message.message_id if message.reply_to_message else None
        reply = await self._tutor.answer(
            who, message.text, self.clock(), reply_to=replied, message_id=message.message_id
        )
        if reply is not None:
            await self._send(context, who, reply, message.message_id if who.group else None)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        try:
            await query.answer()
        except TelegramError as error:  # e.g. "query is too old" after a restart: act anyway
            log.info("could not answer callback query: %s", error)
        if query.message is None:
            return
        who = _learner(query.from_user, query.message.chat)
        reply = await self._tutor.press(who, query.data or "", self.clock())
        await self._send(context, who, reply)

    async def on_inline_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`@bot gil` in any chat: matching questions, each posted with a deep link that
        opens the bot in private on that question."""
        query = update.inline_query
        results = [
            InlineQueryResultArticle(
                id=shared.id,
                title=shared.title,
                description=shared.description,
                input_message_content=InputTextMessageContent(
                    shared.text, parse_mode=ParseMode.HTML
                ),
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton(shared.button, url=_deep_link(context, shared))]]
                ),
            )
            for shared in self._tutor.share.inline(query.query)
        ]
        await query.answer(results, cache_time=INLINE_CACHE_SECONDS)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(EDITED, do_quote=True)

    async def on_attachment(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(TEXT_ONLY)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure with its update; tell the learner, so nothing ends in silence."""
        shown = (
            json.dumps(update.to_dict(), ensure_ascii=False)
            if isinstance(update, Update)
            else update
        )
        log.error("handling update %s failed", shown, exc_info=context.error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or isinstance(context.error, RetryAfter):
            return  # a 429 that outlasted the retries: an apology would only meet another
        try:
            await context.bot.send_message(chat.id, SORRY)
        except TelegramError as error:
            log.warning("could not tell chat %s about the failure: %s", chat.id, error)

    @property
    def _tutor(self) -> Tutor:
        if self.tutor is None:
            raise RuntimeError("the tutor is set in post_init; the application is not running")
        return self.tutor

    async def _send(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        who: Learner,
        reply: Reply,
        quote: int | None = None,
    ) -> None:
        sent = await send_reply(context.bot, who.chat_id, reply, quote)
        if reply.queued_notices and self.wake_notices is not None:
            self.wake_notices()
        if reply.asks:
            ids = [message.message_id for message in sent]
            await self._tutor.question_sent(who, ids, reply.asks, self.clock())


async def _is_admin(context: ContextTypes.DEFAULT_TYPE, message: Message) -> bool:
    """Whether the sender administers the group (anonymous admins post as the group)."""
    if message.sender_chat and message.sender_chat.id == message.chat_id:
        return True
    member = await context.bot.get_chat_member(message.chat_id, message.from_user.id)
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def _deep_link(context: ContextTypes.DEFAULT_TYPE, shared: SharedQuestion) -> str:
    return f"https://t.me/{context.bot.username}?start={shared.start_parameter}"


def _split_command(text: str) -> tuple[str, str]:
    """`/topic global interpreter lock` -> ("/topic", "global interpreter lock"); any
    whitespace, a newline too, ends the command."""
    name, *rest = text.split(maxsplit=1)
    return name, rest[0] if rest else ""


def _learner(user: User, chat: Chat) -> Learner:
    group = chat.type in (Chat.GROUP, Chat.SUPERGROUP)
    return Learner(user.id, chat.id, user.first_name or "", group=group)
