"""The slash commands both adapters understand: one table gives each command's part of the
engine, Telegram's command menu and the `/help` text."""

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
    description: str  # one line in Telegram's menu and in /help
    run: Run
    needs_admin_status: bool = False  # in groups, the adapter finds out if the sender is admin
    listed: bool = True  # shown in Telegram's command menu and in /help


async def _quiz(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    """`/quiz` asks the next question; `/quiz gil` is read as `/topic gil`."""
    if args.strip():
        return await tutor.practice.topic(who, args, now)
    return await tutor.practice.quiz(who, now)


async def _help(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    return Reply.of(tutor.m.escape(HELP))


async def _forget(tutor: Tutor, who: Learner, args: str, now: datetime) -> Reply:
    return tutor.account.forget_confirm(who)


COMMANDS: tuple[Command, ...] = (
    Command("quiz", "Due reviews first, then a new question", _quiz),
    Command("review", "Reviews due now, and the next", lambda t, w, a, n: t.reviews.command(w, n)),
    Command(
        "interview",
        "A mock interview, e.g. /interview 6 senior",
        lambda t, w, a, n: t.interviews.command(w, a, n),
    ),
    Command(
        "topic",
        "A question on a topic, e.g. /topic gil",
        lambda t, w, a, n: t.practice.topic(w, a, n),
    ),
    Command("topics", "All topics, with your progress", lambda t, w, a, n: t.practice.topics(w)),
    Command("hint", "Reveal one key point", lambda t, w, a, n: t.hint(w)),
    Command("skip", "Show the model answer and move on", lambda t, w, a, n: t.skip(w, n)),
    Command(
        "cancel", "Drop the question (or end the interview)", lambda t, w, a, n: t.cancel(w, n)
    ),
    Command("streak", "Your daily streak", lambda t, w, a, n: t.streaks.show(w.user_id, n)),
    Command(
        "stats",
        "Your progress by section, as a chart",
        lambda t, w, a, n: t.stats.show(w.user_id, n),
    ),
    Command(
        "top",
        "In a group: today's leaderboard for the question of the day",
        lambda t, w, a, n: t.leaderboard.show(w.user_id, w.chat_id, w.group, n),
    ),
    Command(
        "disputes",
        "For operators: the most disputed grades",
        lambda t, w, a, n: t.disputes.report(w.user_id, w.group),
        listed=False,
    ),
    Command(
        "uphold",
        "For operators: uphold a disputed grade, e.g. /uphold 12",
        lambda t, w, a, n: t.disputes.uphold_command(w, a, n),
        listed=False,
    ),
    Command(
        "timezone",
        "Set your time zone, e.g. /timezone Europe/Berlin",
        lambda t, w, a, n: t.account.set_timezone(w, a, n),
    ),
    Command(
        "daily",
        "Question of the day: /daily on, /daily 08:30, /daily off",
        lambda t, w, a, n: t.daily.command(w, a, n),
        needs_admin_status=True,
    ),
    Command(
        "remind",
        "Streak reminder: /remind 20:00, /remind off",
        lambda t, w, a, n: t.nudges.remind_command(w, a, n),
    ),
    Command(
        "recap",
        "Weekly recap on Mondays: /recap on, /recap off",
        lambda t, w, a, n: t.nudges.recap_command(w, a, n),
    ),
    Command(
        "export",
        "Everything stored about you, as CSV and JSON files",
        lambda t, w, a, n: t.export.command(w, n),
    ),
    Command("forget", "Delete everything stored about you", _forget),
    Command("help", "How to use the bot", _help),
    Command("start", "What this bot does", lambda t, w, a, n: t.start(w, a, n), listed=False),
)
BY_NAME = {command.name: command for command in COMMANDS}
LISTED = tuple(command for command in COMMANDS if command.listed)

HELP = "\n".join(
    [
        "Commands:",
        *(f"/{c.name}: {c.description}" for c in LISTED if c.name != "help"),
        "Answer a question by simply writing your answer (in groups: reply to the question).",
    ]
)


async def run_command(tutor: Tutor, who: Learner, name: str, args: str, now: datetime) -> Reply:
    """Run `/name args`; an unknown name gets a pointer to /help and changes nothing."""
    command = BY_NAME.get(name.casefold())
    if command is None:
        return Reply.of(tutor.m.escape(f"I don't know /{name[:32]}. /help lists what I can do."))
    return await command.run(tutor, who, args, now)
