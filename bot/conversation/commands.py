"""The slash commands both adapters understand, with the menu text Telegram shows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.conversation.learner import Learner
from bot.conversation.reply import Reply
from bot.conversation.tutor import Tutor

Run = Callable[[Tutor, Learner, str, datetime], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str
    run: Run
    needs_admin_status: bool = False  # in groups, the adapter finds out if the sender is admin
    in_menu: bool = True  # listed in Telegram's command menu


async def _quiz(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    """`/quiz` asks the next question; `/quiz gil` is read as `/topic gil`."""
    return await (tutor.topic(who, args, now) if args.strip() else tutor.quiz(who, now))


async def _help(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    return tutor.help()


async def _forget(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    return tutor.forget_confirm(who)


async def _hint(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    """During a mock interview `/hint`, `/skip` and `/cancel` act on the interview."""
    return await tutor.interviews.hint(who) or await tutor.hint(who)


async def _skip(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    return await tutor.interviews.skip(who, now) or await tutor.skip(who)


async def _cancel(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    return await tutor.interviews.cancel(who, now) or await tutor.cancel(who)


COMMANDS: tuple[Command, ...] = (
    Command("quiz", "Due reviews first, then a new question", _quiz),
    Command("review", "Reviews due now, and the next", lambda t, w, a, n: t.reviews.command(w, n)),
    Command(
        "interview",
        "A mock interview, e.g. /interview 6 senior",
        lambda t, w, a, n: t.interviews.command(w, a, n),
    ),
    Command("topic", "A question on a topic, e.g. /topic gil", lambda t, w, a, n: t.topic(w, a, n)),
    Command("topics", "All topics, with your progress", lambda t, w, a, n: t.topics(w)),
    Command("hint", "Reveal one key point", _hint),
    Command("skip", "Show the model answer and move on", _skip),
    Command("cancel", "Drop the question (or end the interview)", _cancel),
    Command("streak", "Your daily streak", lambda t, w, a, n: t.streak(w, n)),
    Command("stats", "Your progress by section, as a chart", lambda t, w, a, n: t.stats(w, n)),
    Command(
        "top",
        "In a group: today's leaderboard for the question of the day",
        lambda t, w, a, n: t.leaderboard.show(w.user_id, w.chat_id, w.group, n),
    ),
    Command(
        "disputes",
        "For operators: the most disputed grades",
        lambda t, w, a, n: t.disputes.report(w.user_id, w.group),
        in_menu=False,
    ),
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
