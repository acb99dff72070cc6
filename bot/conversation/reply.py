"""Reply values the engine returns and adapters render: text parts, buttons, a picture,
files."""

from __future__ import annotations

from dataclasses import dataclass

MAX_MESSAGE = 4096
MAX_CAPTION = 1024


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji may count two)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str


@dataclass(frozen=True, slots=True)
class Document:
    """A file sent after the reply's messages (Telegram: a document; console: a file)."""

    name: str
    data: bytes
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer to the learner: self-contained text parts (joined by a blank line, split
    into several messages when too long), buttons, the question it asks, if any, and a PNG
    picture shown first, if any (the text parts then say what it shows, for those who
    cannot see it), and files sent last, if any. `queued_notices`: the engine queued notices
    for other chats (a dispute's outcome); the adapter may send them now instead of at its
    next round."""

    parts: tuple[str, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    asks: str | None = None
    photo: bytes | None = None
    documents: tuple[Document, ...] = ()
    queued_notices: bool = False

    @classmethod
    def of(
        cls,
        *parts: str,
        buttons=(),
        asks: str | None = None,
        photo: bytes | None = None,
        documents=(),
        queued_notices: bool = False,
    ) -> Reply:
        return cls(
            tuple(p for p in parts if p),
            tuple(tuple(row) for row in buttons),
            asks,
            photo,
            tuple(documents),
            queued_notices,
        )

    def caption_and_messages(
        self, caption_limit: int = MAX_CAPTION, limit: int = MAX_MESSAGE
    ) -> tuple[str, list[str]]:
        """For a reply with a picture: its first part as the caption when it fits (else no
        caption), and the messages that follow."""
        if self.parts and telegram_length(self.parts[0]) <= caption_limit:
            return self.parts[0], Reply(self.parts[1:]).messages(limit)
        return "", self.messages(limit)

    def messages(self, limit: int = MAX_MESSAGE) -> list[str]:
        """The parts packed into as few messages as fit under `limit` characters."""
        messages: list[str] = []
        for part in self.parts:
            for piece in _pieces(part, limit):
                joined = (
                    telegram_length(messages[-1]) + 2 + telegram_length(piece) if messages else 0
                )
                if messages and joined <= limit:
                    messages[-1] += "\n\n" + piece
                else:
                    messages.append(piece)
        return messages


def _pieces(part: str, limit: int) -> list[str]:
    """A part longer than `limit` cut at line ends. A last resort: the bank's loader keeps each
    question and model answer under 3,500 characters, so markup is never cut in practice."""
    if telegram_length(part) <= limit:
        return [part]
    pieces, current = [], ""
    for line in part.split("\n"):
        while telegram_length(line) > limit:
            cut = _cut(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        if current and telegram_length(current) + 1 + telegram_length(line) > limit:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        pieces.append(current)
    return pieces


def _cut(line: str, limit: int) -> int:
    """The longest prefix of `line` within `limit` UTF-16 units."""
    cut = min(len(line), limit)
    while telegram_length(line[:cut]) > limit:
        cut -= 1
    return cut
