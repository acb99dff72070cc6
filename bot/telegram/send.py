"""Sending a `Reply`: a picture with its caption, if any, then messages under Telegram's
limit, buttons on the last one, then its files."""

from __future__ import annotations

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyParameters,
)

from bot.conversation.reply import Reply


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.action) for b in row]
            for row in reply.buttons
        ]
    )


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, reply_to: int | None = None
) -> list[Message]:
    """Send `reply` in order: its picture first, if any (with the first part as its caption
    when that fits), then its messages; the first answers `reply_to` if given, the last
    carries the buttons."""
    quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    sent = []
    if reply.photo is not None:
        caption, texts = reply.caption_and_messages()
        sent.append(
            await bot.send_photo(
                chat_id,
                reply.photo,
                caption=caption or None,
                reply_markup=keyboard(reply) if not texts else None,
                reply_parameters=quote,
            )
        )
    else:
        texts = reply.messages()
    for index, text in enumerate(texts):
        sent.append(
            await bot.send_message(
                chat_id,
                text,
                reply_markup=keyboard(reply) if index == len(texts) - 1 else None,
                reply_parameters=quote if not sent else None,
            )
        )
    for document in reply.documents:
        sent.append(
            await bot.send_document(
                chat_id,
                InputFile(document.data, filename=document.name),
                caption=document.caption or None,
            )
        )
    return sent
