"""Concurrent updates: one chat's backlog neither runs out of order nor blocks other chats."""

import asyncio

from telegram import Chat, Message, Update

from bot.telegram.updates import PerChatUpdateProcessor


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE if chat_id > 0 else Chat.SUPERGROUP)
    return Update(update_id, message=Message(update_id, None, chat, text="hi"))


async def test_a_backlogged_chat_waits_in_line_without_holding_the_shared_slots():
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    release = asyncio.Event()
    order: list[int] = []

    async def slow_group_update(number: int) -> None:
        await release.wait()
        order.append(number)

    group = [
        asyncio.create_task(processor.process_update(update_in(-5, n), slow_group_update(n)))
        for n in range(6)
    ]
    await asyncio.sleep(0)
    answered = asyncio.Event()

    async def private_update() -> None:
        answered.set()

    await asyncio.wait_for(processor.process_update(update_in(7, 99), private_update()), 1)
    assert answered.is_set(), "the private chat was served while the group's updates waited"
    release.set()
    await asyncio.gather(*group)
    assert order == list(range(6)), "the group's updates ran in the order they came"
