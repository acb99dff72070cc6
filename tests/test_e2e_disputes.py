"""Disputes that close, end to end: learners dispute grades (practice and interview), the bot
restarts, an operator sees each disputed answer beside the key points it missed and upholds
it; the answer is regraded (score, review card), its learner is told in private, and the
upheld wording is exported as candidate phrasings in the bank's TOML form."""

import os
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from content import load_bank
from storage import open_database
from storage.cards import get_card
from storage.pending import set_pending
from testing.bot_runner import running_bot
from testing.clock import Clock
from testing.fake_telegram import FakeTelegram, say

ROOT = Path(__file__).resolve().parent.parent
ADMIN, ADA, BOB = 5000, 5001, 5002
BANK = load_bank()
WEAK_GIL = (
    "The GIL lets only one thread run Python bytecode at a time. It keeps the refcounts of "
    "objects safe from races. A thread that sits waiting on a socket or a file hands the "
    "lock over, so other threads get to run meanwhile."
)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADMIN, "Operator")
        server.add_private_chat(ADA, "Ada")
        server.add_private_chat(BOB, "Bob")
        yield server


async def press(fake, user, message, data, count=1):
    before = len(fake.messages_to(user))
    fake.user_presses(user, message, data)
    return await fake.wait_for_messages(user, count, since=before)


def dispute_data(message):
    [data] = [d for d in message.callback_data if d.startswith("dispute:")]
    return data


async def fetch(database_url, sql, *params):
    db = await open_database(database_url)
    try:
        return await db.fetch_all(sql, params)
    finally:
        await db.close()


def cli(*args, database_url):
    environment = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    environment["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


async def first_interview_question(database_url, user):
    [[question_id]] = await fetch(
        database_url,
        "SELECT question_id FROM interview_questions JOIN interviews ON id = interview_id "
        "WHERE user_id = ? AND interview_questions.position = 0",
        user,
    )
    return BANK.get(question_id)


async def test_dispute_restart_uphold_regrades_and_tells_the_learner(fake, database_url, tmp_path):
    clock = Clock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    admins = frozenset({ADMIN})
    db = await open_database(database_url)
    await set_pending(db, ADA, ADA, "gil", clock())
    await db.close()
    async with running_bot(fake, database_url, clock, admin_ids=admins):
        graded = await say(fake, ADA, WEAK_GIL)
        [thanks] = await press(fake, ADA, graded[-1], dispute_data(graded[-1]))
        assert "noted" in thanks.plain_text
        await say(fake, BOB, "/interview 3")
        question = await first_interview_question(database_url, BOB)
        partial = question.answer.split(". ")[0]
        [noted] = await say(fake, BOB, partial)
        assert "Noted: " in noted.plain_text
        assert [b for b in noted.button_texts if b.startswith("I think I was right (")]
        await press(fake, BOB, noted, dispute_data(noted))
    [[ada_attempt, ada_score]] = await fetch(
        database_url, "SELECT id, score FROM attempts WHERE user_id = ?", ADA
    )
    [[bob_attempt, bob_score]] = await fetch(
        database_url, "SELECT id, score FROM attempts WHERE user_id = ?", BOB
    )
    assert ada_score < 100 and bob_score < 100
    card_before = await _card(database_url, ADA, "gil")

    # The bot restarts between the disputes and their upholding.
    clock.moment += timedelta(hours=3)
    async with running_bot(fake, database_url, clock, admin_ids=admins):
        report = await say(fake, ADMIN, "/disputes")
        text = "\n".join(m.plain_text for m in report)
        assert f"#{ada_attempt} gil, {ada_score}/100, by \u2068Ada\u2069 (user {ADA})" in text
        assert f"#{bob_attempt} {question.id}, {bob_score}/100, by \u2068Bob\u2069" in text
        assert "Said to miss:" in text and "❌ " in text
        assert f"Uphold #{ada_attempt}" in report[-1].button_texts
        [refused] = await say(fake, ADA, f"/uphold {ada_attempt}")
        assert "for the bot's operators" in refused.plain_text
        before = len(fake.messages_to(ADA))
        [done] = await say(fake, ADMIN, f"/uphold {ada_attempt}")
        assert f"Upheld #{ada_attempt}: {ada_score}/100 -> 100/100" in done.plain_text
        [told] = await fake.wait_for_messages(ADA, 1, since=before)
        [again] = await say(fake, ADMIN, f"/uphold {ada_attempt}")
        assert "upheld already" in again.plain_text
        before = len(fake.messages_to(BOB))
        await press(fake, ADMIN, report[-1], f"uphold:{bob_attempt}")
        [bob_told] = await fake.wait_for_messages(BOB, 1, since=before)
    assert "You were right" in told.plain_text and "now scores 100/100" in told.plain_text
    assert f"(it was {ada_score}/100)" in told.plain_text
    assert "You were right" in bob_told.plain_text
    assert len([m for m in fake.messages_to(ADA) if "You were right" in m.plain_text]) == 1
    [[score]] = await fetch(database_url, "SELECT score FROM attempts WHERE id = ?", ada_attempt)
    assert score == 100
    card_after = await _card(database_url, ADA, "gil")
    assert card_after.score == 100 and card_after.due > card_before.due
    [[interview_score]] = await fetch(
        database_url,
        "SELECT score FROM interview_questions WHERE question_id = ? AND position = 0",
        question.id,
    )
    assert interview_score == 100
    streak = await fetch(database_url, "SELECT current FROM streaks WHERE user_id = ?", ADA)
    assert [tuple(row) for row in streak] == [(1,)], "the day still counts, once"

    listed = cli("disputes", database_url=database_url)
    assert listed.returncode == 0 and "No open disputes." in listed.stdout
    out = tmp_path / "candidates.toml"
    exported = cli("disputes", "export", "-o", str(out), database_url=database_url)
    assert exported.returncode == 0, exported.stderr
    candidates = tomllib.loads(out.read_text())
    by_id = {q["id"]: q for q in candidates["question"]}
    gil_points = {p["text"]: p["alternatives"] for p in by_id["gil"]["key_points"]}
    assert gil_points, "every point Ada's answer was said to miss"
    bank_points = {p.text for p in BANK.get("gil").key_points}
    assert set(gil_points) <= bank_points
    io_point = "The GIL is released during blocking I/O, so threads suit I/O-bound work"
    assert any("waiting on a socket" in a for a in gil_points[io_point])


async def test_uphold_from_the_command_line_is_sent_by_the_running_bot(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    db = await open_database(database_url)
    await set_pending(db, ADA, ADA, "gil", clock())
    await db.close()
    async with running_bot(fake, database_url, clock):
        graded = await say(fake, ADA, WEAK_GIL)
        await press(fake, ADA, graded[-1], dispute_data(graded[-1]))
    [[attempt]] = await fetch(database_url, "SELECT id FROM attempts WHERE user_id = ?", ADA)
    listed = cli("disputes", database_url=database_url)
    assert f"#{attempt} gil" in listed.stdout and "Said to miss:" in listed.stdout
    wrong = cli("disputes", "uphold", "999", database_url=database_url)
    assert wrong.returncode == 1 and "no dispute #999" in wrong.stdout
    upheld = cli("disputes", "uphold", str(attempt), "--score", "85", database_url=database_url)
    assert upheld.returncode == 0 and "-> 85/100" in upheld.stdout, upheld.stderr
    before = len(fake.messages_to(ADA))
    async with running_bot(fake, database_url, clock):
        [told] = await fake.wait_for_messages(ADA, 1, since=before, timeout=10)
    assert "now scores 85/100" in told.plain_text
    async with running_bot(fake, database_url, clock):
        await say(fake, ADA, "/streak")
    assert not [m for m in fake.messages_to(ADA)[before + 1 :] if "You were right" in m.plain_text]


async def _card(database_url, user, question_id):
    db = await open_database(database_url)
    try:
        return await get_card(db, user, question_id)
    finally:
        await db.close()
