"""Markup for two media, written once: Telegram HTML and plain text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Bidi formatting characters: marks, embeddings, overrides and isolates (Unicode UAX #9).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


@dataclass(frozen=True, slots=True)
class Markup:
    """How to emphasise, quote and show code in one output medium."""

    html: bool

    def escape(self, text: str) -> str:
        return html.escape(text, quote=False) if self.html else text

    def bold(self, text: str) -> str:
        return f"<b>{self.escape(text)}</b>" if self.html else text

    def italic(self, text: str) -> str:
        return f"<i>{self.escape(text)}</i>" if self.html else text

    def code_block(self, code: str) -> str:
        if self.html:
            return f'<pre><code class="language-python">{self.escape(code)}</code></pre>'
        return "\n".join(f"    {line}" for line in code.splitlines())

    def folded(self, text_in_markup: str) -> str:
        """A block the reader unfolds; `text_in_markup` is already escaped."""
        if self.html:
            return f"<blockquote expandable>{text_in_markup}</blockquote>"
        return text_in_markup


HTML = Markup(html=True)
PLAIN = Markup(html=False)


def isolated(text: str) -> str:
    """Text a user chose (a name, a title, an echoed argument) made safe to show inside the
    bot's own sentences: its bidi controls dropped and the rest wrapped in an isolate, so
    right-to-left letters or an override in it cannot reorder the text around it."""
    return f"{FIRST_STRONG_ISOLATE}{BIDI_CONTROLS.sub('', text)}{POP_DIRECTIONAL_ISOLATE}"


def excerpt(text: str, limit: int) -> str:
    """The text on one line, cut at a word boundary to at most `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"
