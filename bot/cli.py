"""Command line: run the bot, try it in a terminal, grade answers, check the bank."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("console", help="talk to the bot in this terminal, no Telegram needed")
    content = commands.add_parser("content", help="work with the question bank")
    content.add_argument("action", choices=["check"], help="validate and summarize the bank")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "content":
        return _content_check()
    print(f"{args.command or 'run'}: not available yet", file=sys.stderr)
    return 2


def _content_check() -> int:
    from bot.content_summary import summarize
    from content import ContentError, load_bank

    try:
        bank = load_bank()
    except ContentError as error:
        print(f"the question bank has {len(error.problems)} problem(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(summarize(bank))
    return 0
