"""Console mode: the same conversation as on Telegram, in a terminal, on the same database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.conversation.commands import run_command
from bot.conversation.learner import Learner
from bot.conversation.reply import Button, Document, Reply
from bot.conversation.tutor import Tutor
from bot.render.markup import PLAIN
from bot.runtime import running_engine
from storage import DEFAULT_URL
from storage.postgres import is_postgres_url
from storage.sqlite import database_path

log = logging.getLogger(__name__)

CONSOLE_LEARNER = Learner(user_id=0, chat_id=0, name="you")
SORRY = "Sorry, something went wrong on my side (details are in the log). Please try again."
QUIT = {"/quit", "/exit"}
RULE = "-" * 60
PICTURE_FILE = "stats-chart.png"  # written next to an SQLite database, else in data/


def render(reply: Reply) -> tuple[str, list[Button]]:
    """The reply as plain text, and its buttons numbered /1, /2, ... to press."""
    buttons = [button for row in reply.buttons for button in row]
    text = "\n\n".join(reply.parts)
    if buttons:
        text += "\n\n" + "   ".join(f"/{n} {b.label}" for n, b in enumerate(buttons, 1))
    return text, buttons


def save_picture(photo: bytes, path: Path) -> str:
    """Write a reply's picture to `path`; the line that says where it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo)
    return f"[Chart saved to {path.resolve()}; the text below says the same.]"


def save_document(document: Document, folder: Path) -> str:
    """Write a reply's file into `folder`; the line that says where it is."""
    path = folder / document.name
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document.data)
    return f"[{document.caption or 'File'} saved to {path.resolve()}]"


def files_folder(database_url: str | None) -> Path:
    """Where console mode saves pictures and files: beside an SQLite database, else data/."""
    url = database_url or DEFAULT_URL
    return Path("data") if is_postgres_url(url) else database_path(url).parent


async def converse(
    settings: Settings, stdin: TextIO, stdout: TextIO, clock: Callable[[], datetime]
) -> None:
    """Read lines until end of input or /quit; print each reply."""
    async with running_engine(settings, PLAIN) as engine:
        tutor = engine.tutor
        picture = files_folder(settings.database_url) / PICTURE_FILE
        reply = await tutor.account.start(CONSOLE_LEARNER, clock())
        buttons: list[Button] = []
        while True:
            text, buttons = render(reply) if reply else ("", buttons)
            if reply and reply.photo:
                text = f"{save_picture(reply.photo, picture)}\n\n{text}"
            for document in reply.documents if reply else ():
                text += f"\n{save_document(document, picture.parent)}"
            if text:
                print(f"{text}\n{RULE}", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip() in QUIT:
                return
            try:
                reply = await _respond(tutor, line.strip(), buttons, clock())
            except Exception:
                log.exception("console input %r failed", line.strip()[:80])
                reply = Reply.of(SORRY)


async def _respond(tutor: Tutor, line: str, buttons: list[Button], now: datetime) -> Reply | None:
    if not line:
        return None
    if line.startswith("/"):
        name, *rest = line[1:].split(maxsplit=1) or [""]
        args = rest[0] if rest else ""
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
