"""Sending a `Reply`: split into messages under Telegram's limit, buttons on the last one."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters

from bot.replies import Reply


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
    """Send every message of `reply` in order; the first answers `reply_to` if given."""
    texts = reply.messages()
    sent = []
    for index, text in enumerate(texts):
        quote = ReplyParameters(reply_to, allow_sending_without_reply=True)
        sent.append(
            await bot.send_message(
                chat_id,
                text,
                reply_markup=keyboard(reply) if index == len(texts) - 1 else None,
                reply_parameters=quote if reply_to and index == 0 else None,
            )
        )
    return sent
