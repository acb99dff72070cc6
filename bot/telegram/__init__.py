"""The Telegram adapter: turns updates into tutor calls and replies into Bot API messages."""
