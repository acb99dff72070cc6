"""Markup for two media, written once: Telegram HTML and plain text."""

from __future__ import annotations

import html
from dataclasses import dataclass


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


def excerpt(text: str, limit: int) -> str:
    """The text on one line, cut at a word boundary to at most `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"
