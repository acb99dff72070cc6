"""`/export` and `/review` end to end: the real bot against the fake Bot API server, on a real
SQLite file. The export's round trip: every stored answer appears in it exactly once."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from storage import open_database
from testing.bot_runner import running_bot
from testing.clock import Clock
from testing.fake_telegram import FakeTelegram, say

ADA, BOB = 4001, 4002
GIL_ANSWER = (
    "The GIL lets only one thread execute Python bytecode at a time; it protects reference "
    "counts. It is released during blocking I/O so threads suit I/O-bound work."
)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADA, "Ada")
        server.add_private_chat(BOB, "Bob")
        yield server


async def answer_topic(fake, user, topic, answer):
    await say(fake, user, f"/topic {topic}")
    return await say(fake, user, answer)


async def test_export_sends_csv_and_json_with_every_answer_once(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    async with running_bot(fake, database_url, clock):
        await say(fake, ADA, "/timezone Europe/Berlin")
        await answer_topic(fake, ADA, "gil", GIL_ANSWER)
        await answer_topic(fake, ADA, "gil", "the gil lets one thread run at a time")
        clock.moment += timedelta(days=1)
        await answer_topic(fake, ADA, "decorators", "a decorator wraps a function, with 'quotes'")
        await answer_topic(fake, BOB, "gil", GIL_ANSWER)  # someone else's, never exported
        await say(fake, ADA, "/daily 08:30")
        text, csv_file, json_file = await say(fake, ADA, "/export", 3)
    assert "3 answer(s)" in text.plain_text
    assert (csv_file.method, json_file.method) == ("sendDocument", "sendDocument")
    assert csv_file.file_name.endswith(".csv") and json_file.file_name.endswith(".json")

    db = await open_database(database_url)
    try:
        rows = await db.fetch_all(
            "SELECT id, answer, score, question_id FROM attempts WHERE user_id = ?", (ADA,)
        )
    finally:
        await db.close()
    stored = {row["id"]: (row["answer"], row["score"]) for row in rows}
    assert len(stored) == 3

    table = list(csv.DictReader(io.StringIO(csv_file.document.decode())))
    ids = [int(row["attempt_id"]) for row in table]
    assert sorted(ids) == sorted(stored) and len(set(ids)) == len(ids)
    for row in table:
        assert (row["answer"], int(row["score"])) == stored[int(row["attempt_id"])]
        assert "covered: " in row["key_points"] or "missed: " in row["key_points"]

    everything = json.loads(json_file.document)
    assert sorted(a["attempt_id"] for a in everything["answers"]) == sorted(stored)
    first = everything["answers"][0]
    assert first["question_id"] == "gil" and first["key_points"][0]["coverage"] == "covered"
    assert everything["streak"]["current"] == 2
    assert everything["streak"]["practice_days"] == {"2026-05-04": 2, "2026-05-05": 1}
    questions = {row["question_id"] for row in rows}
    assert {c["question_id"] for c in everything["review_cards"]} == questions
    assert everything["settings"]["timezone"] == "Europe/Berlin"
    assert everything["settings"]["daily_question"] == "08:30"


async def test_export_in_a_group_points_to_the_private_chat(fake, database_url):
    fake.add_group(-4100, "Study group", members={ADA: "member"})
    async with running_bot(fake, database_url):
        before = len(fake.messages_to(-4100))
        fake.user_sends(ADA, "/export", chat_id=-4100)
        [reply] = await fake.wait_for_messages(-4100, 1, since=before)
    assert "private chat" in reply.plain_text
    assert not [c for c in fake.sent if c.method == "sendDocument"]


async def test_review_lists_the_due_questions_most_overdue_first(fake, database_url):
    clock = Clock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    async with running_bot(fake, database_url, clock):
        await answer_topic(fake, ADA, "gil", "the gil lets one thread run at a time")
        clock.moment += timedelta(hours=1)
        await answer_topic(fake, ADA, "decorators", "a decorator wraps a function")
        clock.moment += timedelta(days=5)
        [review] = await say(fake, ADA, "/review")
    text = review.plain_text
    assert "2 reviews due now" in text
    assert "Due now:" in text
    gil, decorators = text.index("• gil ("), text.index("• decorators-internals (")
    assert gil < decorators
    assert review.button_texts == ["Review now"]
