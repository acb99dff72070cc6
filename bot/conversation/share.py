"""Sharing a question: inline mode (`@bot gil` in any chat offers matching questions; the
chosen one is posted with a button that opens the bot in private on it) and the `/start
q_<id>` deep link that button opens."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.lookup import find_questions
from bot.render.markup import Markup, excerpt
from bot.render.questions import question_text
from content import Bank, Question

RESULTS = 20  # inline results offered at most (Telegram allows 50)
DEEP_LINK_PREFIX = "q_"
BUTTON = "Answer it in private"


@dataclass(frozen=True, slots=True)
class SharedQuestion:
    """One inline result: what the chooser sees in the list, the message it posts, and the
    /start parameter of its button."""

    id: str
    title: str
    description: str
    text: str
    button: str
    start_parameter: str


def start_parameter(question: Question) -> str:
    return f"{DEEP_LINK_PREFIX}{question.id}"


def shared_question_id(parameter: str) -> str | None:
    """The question id a `/start` parameter names, None if it names none."""
    parameter = parameter.strip()
    return (
        parameter.removeprefix(DEEP_LINK_PREFIX) if parameter.startswith(DEEP_LINK_PREFIX) else None
    )


class Share:
    def __init__(self, bank: Bank, markup: Markup) -> None:
        self.bank = bank
        self.m = markup

    def inline(self, query: str) -> list[SharedQuestion]:
        """The questions offered for an inline query."""
        found = find_questions(self.bank.questions, self.bank.topics, query[:64], RESULTS)
        return [self._result(question) for question in found]

    def _result(self, question: Question) -> SharedQuestion:
        footer = self.m.italic(
            "Tap the button to answer it in a private chat with me: I grade it point by point."
        )
        return SharedQuestion(
            question.id,
            f"{question.section.title} · {question.difficulty.value}",
            excerpt(question.prompt, 120),
            f"{question_text(question, self.m, 'A Python interview question')}\n\n{footer}",
            BUTTON,
            start_parameter(question),
        )
