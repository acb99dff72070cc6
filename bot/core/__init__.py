"""The core: pure functions of values and the current time (no Telegram, no database)."""
