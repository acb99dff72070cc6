"""Console mode: the same conversation as on Telegram, in a terminal, on the same database."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.commands import run_command
from bot.config import Settings
from bot.render import PLAIN
from bot.replies import Button, Reply
from bot.tutor import Learner, Tutor
from content import load_bank
from storage import open_database

CONSOLE_LEARNER = Learner(user_id=0, chat_id=0, name="you")
QUIT = {"/quit", "/exit"}
RULE = "-" * 60


def render(reply: Reply) -> tuple[str, list[Button]]:
    """The reply as plain text, and its buttons numbered /1, /2, ... to press."""
    buttons = [button for row in reply.buttons for button in row]
    text = "\n\n".join(reply.parts)
    if buttons:
        text += "\n\n" + "   ".join(f"/{n} {b.label}" for n, b in enumerate(buttons, 1))
    return text, buttons


async def converse(
    settings: Settings, stdin: TextIO, stdout: TextIO, clock: Callable[[], datetime]
) -> None:
    """Read lines until end of input or /quit; print each reply."""
    db = await open_database(settings.database_url)
    try:
        tutor = Tutor(db, load_bank(), PLAIN)
        reply = await tutor.start(CONSOLE_LEARNER, clock())
        buttons: list[Button] = []
        while True:
            text, buttons = render(reply) if reply else ("", buttons)
            if text:
                print(f"{text}\n{RULE}", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip() in QUIT:
                return
            reply = await _respond(tutor, line.strip(), buttons, clock())
    finally:
        await db.close()


async def _respond(tutor: Tutor, line: str, buttons: list[Button], now: datetime) -> Reply | None:
    if not line:
        return None
    if line.startswith("/"):
        name, _, args = line[1:].partition(" ")
        if name.isdigit():
            number = int(name)
            if 1 <= number <= len(buttons):
                return await tutor.press(CONSOLE_LEARNER, buttons[number - 1].action, now)
            return Reply.of(f"There is no button /{number} here.")
        return await run_command(tutor, CONSOLE_LEARNER, name, args, now)
    return await tutor.answer(CONSOLE_LEARNER, line, now)


def run_console(settings: Settings, clock: Callable[[], datetime]) -> int:
    print("Console mode: type your answers; /help lists commands, /quit leaves.\n")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(converse(settings, sys.stdin, sys.stdout, clock))
    return 0
