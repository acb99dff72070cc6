"""Test support shared by tests/ and bench/: a fake Bot API server and the bot run against it."""
