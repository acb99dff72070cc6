"""Shared fixtures: a real SQLite file per test."""

import pytest

from storage import open_database


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
async def db(database_url):
    database = await open_database(database_url)
    yield database
    await database.close()
