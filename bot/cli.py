"""Command line: run the bot, try it in a terminal, grade answers, check the bank, move the
database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.grader.evaluation import COLUMNS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("console", help="talk to the bot in this terminal, no Telegram needed")
    commands.add_parser(
        "webhook",
        help="the Telegram bot behind WEBHOOK_URL (WEB_CONCURRENCY workers on PostgreSQL)",
    )
    content = commands.add_parser("content", help="work with the question bank")
    content.add_argument("action", choices=["check"], help="validate and summarize the bank")
    grade = commands.add_parser("grade", help="grade one answer to a bank question")
    grade.add_argument("--question", required=True, metavar="ID", help="question id, e.g. gil")
    grade.add_argument("answer", help="the answer text")
    grade.add_argument("--json", action="store_true", help="print the grade as JSON")
    daily = commands.add_parser("daily", help="the question of the day")
    daily.add_argument(
        "--now", action="store_true", required=True, help="send what is due now, once, and exit"
    )
    disputes = commands.add_parser("disputes", help="disputed grades: list, uphold, export")
    disputes.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["list", "uphold", "export"],
        help="list the open disputes (default), uphold one, or export the upheld answers' "
        "wording as candidate phrasings (TOML)",
    )
    disputes.add_argument("id", nargs="?", type=int, help="uphold: the dispute number")
    disputes.add_argument("--score", type=int, help="uphold: the new score (default 100)")
    disputes.add_argument(
        "--output", "-o", type=Path, help="export: write to this file (default: standard output)"
    )
    database = commands.add_parser("db", help="the database: copy it to another one")
    database.add_argument(
        "action", choices=["copy"], help="copy every table from FROM into TO (migrated first)"
    )
    database.add_argument("source", metavar="FROM", help="database URL to copy from")
    database.add_argument("target", metavar="TO", help="database URL to copy into (empty)")
    database.add_argument(
        "--overwrite", action="store_true", help="replace the rows TO already has"
    )
    evaluation = commands.add_parser("grade-eval", help="measure agreement with human grades")
    evaluation.add_argument("file", type=Path, help="CSV: " + ", ".join(COLUMNS))
    bands = commands.add_parser("grade-bands", help="measure verdicts against people's bands")
    bands.add_argument(
        "file", type=Path, help="CSV: id (question-id:n), band (high/mid/low), answer"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "console", "webhook"):
        return _serve(console=args.command == "console", webhook=args.command == "webhook")
    if args.command == "daily":
        return _daily_now()
    if args.command == "disputes":
        return _disputes(args.action, args.id, args.score, args.output)
    if args.command == "db":
        return _db_copy(args.source, args.target, overwrite=args.overwrite)
    if args.command == "content":
        return _content_check()
    if args.command == "grade":
        return _grade(args.question, args.answer, as_json=args.json)
    if args.command == "grade-eval":
        return _grade_eval(args.file)
    if args.command == "grade-bands":
        return _grade_bands(args.file)
    raise AssertionError(f"unhandled command {args.command}")


NO_TOKEN = """No TELEGRAM_BOT_TOKEN is set, so the bot cannot reach Telegram.
To get a token: open Telegram, talk to @BotFather, send /newbot, and follow its questions;
then run:  TELEGRAM_BOT_TOKEN=123456:ABC... python -m bot
To try the bot without Telegram right now:  python -m bot console"""

NO_WEBHOOK = """python -m bot webhook needs WEBHOOK_URL: the public HTTPS address of this service,
where Telegram will post updates. For long polling instead, run python -m bot (the Procfile's
worker process) and no web process."""


def _settings():
    from bot.config import ConfigError, Settings
    from bot.logs import setup_logging

    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return None
    setup_logging(settings.log_level, [settings.token])
    return settings


def _daily_now() -> int:
    import asyncio

    from bot.telegram.app import push_once

    settings = _settings()
    if settings is None:
        return 2
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    daily, notices = asyncio.run(push_once(settings))
    print(f"daily push: {daily}")
    print(f"notices: {notices}")
    return 0


CLI_OPERATOR = 0  # who upheld a dispute from the command line


def _disputes(action: str, attempt_id: int | None, score: int | None, output: Path | None) -> int:
    """`python -m bot disputes`: the operators' loop on disputed grades, on the database
    the bot uses; a learner told of an upheld dispute gets the message from the running bot
    (or the next `python -m bot daily --now`)."""
    import asyncio

    from bot.render.markup import PLAIN
    from bot.runtime import running_engine, utc_now

    settings = _settings()
    if settings is None:
        return 2
    if action == "uphold" and attempt_id is None:
        print("usage: python -m bot disputes uphold ID [--score N]", file=sys.stderr)
        return 2

    async def run() -> int:
        async with running_engine(settings, PLAIN) as engine:
            disputes = engine.tutor.disputes
            if action == "list":
                print(await disputes.open_report())
            elif action == "uphold":
                text, upheld = await disputes.uphold(attempt_id, CLI_OPERATOR, score, utc_now())
                print(text)
                return 0 if upheld else 1
            else:
                toml, count = await disputes.candidates_toml()
                if output is None:
                    sys.stdout.write(toml)
                else:
                    output.write_text(toml, encoding="utf-8")
                    print(f"{count} candidate phrasing(s) written to {output}")
            return 0

    return asyncio.run(run())


def _db_copy(source: str, target: str, *, overwrite: bool) -> int:
    """`python -m bot db copy FROM TO`: move a deployment to another database, with the bot
    stopped; one line per table, then the total."""
    import asyncio

    from storage.copy import CopyError, copy_database

    try:
        copied = asyncio.run(copy_database(source, target, overwrite=overwrite))
    except CopyError as error:
        print(f"db copy: {error}", file=sys.stderr)
        return 1
    for table, count in copied:
        print(f"{table} {count} rows")
    print(f"copied {sum(count for _, count in copied)} rows in {len(copied)} tables; counts match")
    return 0


def _serve(*, console: bool, webhook: bool = False) -> int:
    """Run the Telegram bot (behind a webhook only, with `webhook`); or the console, when
    asked or when there is no token and a person is at the terminal."""
    settings = _settings()
    if settings is None:
        return 2
    if webhook and not settings.webhook_url:
        print(NO_WEBHOOK, file=sys.stderr)
        return 2
    if not console and not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        if not sys.stdin.isatty():
            return 2
        print("\nStarting console mode now.\n", file=sys.stderr)
        console = True
    if console:
        from bot.console import run_console
        from bot.runtime import utc_now

        return run_console(settings, utc_now)
    from bot.telegram.app import run

    run(settings)
    return 0


def _content_check() -> int:
    from content import ContentError, load_bank
    from content.summary import summarize

    try:
        bank = load_bank()
    except ContentError as error:
        print(f"the question bank has {len(error.problems)} problem(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(summarize(bank))
    return 0


def _grade(question_id: str, answer: str, *, as_json: bool) -> int:
    from bot.grader import Grader
    from bot.render.markup import PLAIN
    from bot.render.questions import grade_dict, grade_text
    from content import load_bank

    bank = load_bank()
    question = bank.get(question_id)
    if question is None:
        print(f"no question with id {question_id!r}; see `python -m bot content check`")
        return 2
    grade = Grader(bank).grade(question, answer)
    if as_json:
        print(json.dumps(grade_dict(grade, question), ensure_ascii=False, indent=2))
    else:
        print(grade_text(grade, question, PLAIN))
    return 0


def _grade_eval(path: Path) -> int:
    from bot.grader.evaluation import evaluate, report
    from content import load_bank

    try:
        agreement = evaluate(path, load_bank())
    except (OSError, ValueError) as error:
        print(f"cannot evaluate: {error}", file=sys.stderr)
        return 2
    print(report(agreement))
    return 0


def _grade_bands(path: Path) -> int:
    from bot.grader.bands import BandReport, grade_banded, read_banded, report
    from content import load_bank

    try:
        graded = grade_banded(read_banded(path), load_bank())
    except (OSError, ValueError) as error:
        print(f"cannot measure: {error}", file=sys.stderr)
        return 2
    print(report(BandReport(tuple(graded))))
    return 0
