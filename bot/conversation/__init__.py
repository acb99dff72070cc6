"""The conversation engine: storage and the core turned into replies (no Telegram import)."""
