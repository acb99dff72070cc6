"""The slash commands both adapters understand, with the menu text Telegram shows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.replies import Reply
from bot.tutor import Learner, Tutor

Run = Callable[[Tutor, Learner, str, datetime], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str
    run: Run
    needs_admin_status: bool = False  # in groups, the adapter finds out if the sender is admin


async def _quiz(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    """`/quiz` asks the next question; `/quiz gil` is read as `/topic gil`."""
    return await (tutor.topic(who, args, now) if args.strip() else tutor.quiz(who, now))


async def _help(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    return tutor.help()


async def _forget(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    return tutor.forget_confirm()


COMMANDS: tuple[Command, ...] = (
    Command("quiz", "A question you have not seen yet", _quiz),
    Command("topic", "A question on a topic, e.g. /topic gil", lambda t, w, a, n: t.topic(w, a, n)),
    Command("topics", "All topics, with your progress", lambda t, w, a, n: t.topics(w)),
    Command("hint", "Reveal one key point", lambda t, w, a, n: t.hint(w)),
    Command("skip", "Show the model answer and move on", lambda t, w, a, n: t.skip(w)),
    Command("cancel", "Drop the question", lambda t, w, a, n: t.cancel(w)),
    Command("streak", "Your daily streak", lambda t, w, a, n: t.streak(w, n)),
    Command("stats", "Your progress by section", lambda t, w, a, n: t.stats(w)),
    Command(
        "timezone",
        "Set your time zone, e.g. /timezone Europe/Berlin",
        lambda t, w, a, n: t.set_timezone(w, a, n),
    ),
    Command(
        "daily",
        "Question of the day: /daily on, /daily 08:30, /daily off",
        lambda t, w, a, n: t.daily.command(w, a, n),
        needs_admin_status=True,
    ),
    Command("forget", "Delete everything stored about you", _forget),
    Command("help", "How to use the bot", _help),
    Command("start", "What this bot does", lambda t, w, a, n: t.start(w, n)),
)
BY_NAME = {command.name: command for command in COMMANDS}


async def run_command(tutor: Tutor, who: Learner, name: str, args: str, now: datetime) -> Reply:
    """Run `/name args`; an unknown name gets a pointer to /help and changes nothing."""
    command = BY_NAME.get(name.casefold())
    if command is None:
        return Reply.of(tutor.m.escape(f"I don't know /{name[:32]}. /help lists what I can do."))
    return await command.run(tutor, who, args, now)
