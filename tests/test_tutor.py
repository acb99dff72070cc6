"""The conversation engine on a real SQLite file, without Telegram."""

from datetime import UTC, datetime

from bot.conversation.learner import Learner
from bot.conversation.tutor import Tutor
from bot.render.markup import PLAIN
from content import load_bank
from storage.pending import get_pending, set_pending

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
ADA = Learner(7, 7, "Ada")


async def test_a_question_that_left_the_bank_gets_a_kind_word_from_hint_skip_and_answer(db):
    tutor = Tutor(db, load_bank(), PLAIN)
    for act in (tutor.practice.hint, tutor.practice.skip):
        await set_pending(db, 7, 7, "a-question-since-removed", NOW)
        reply = await act(ADA)
        assert "left the bank" in reply.parts[0]
        assert await get_pending(db, 7, 7) is None
    await set_pending(db, 7, 7, "a-question-since-removed", NOW)
    reply = await tutor.answer(ADA, "an answer to it", NOW)
    assert "left the bank" in reply.parts[0]
