"""Markup helpers: user-chosen text isolated from the bot's own."""

from bot.render.markup import HTML, isolated


def test_isolated_drops_bidi_controls_and_wraps_the_rest():
    assert isolated("Eve\u202e") == "\u2068Eve\u2069"
    assert isolated("\u2066a\u200fb\u061c\u2069") == "\u2068ab\u2069"
    assert isolated("مرحبا") == "\u2068مرحبا\u2069"  # right-to-left letters stay, isolated
    assert HTML.bold(isolated("<b>")) == "<b>\u2068&lt;b&gt;\u2069</b>"
