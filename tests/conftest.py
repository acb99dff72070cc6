"""Shared fixtures: the database on each engine (a real SQLite file per test; a throwaway
PostgreSQL server per session with a fresh database per test)."""

import asyncio
import itertools
import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import NoReturn

import pytest

from storage import open_database
from testing.postgres import create_database, drop_database, throwaway_cluster, why_unavailable

ENGINES = ("sqlite", "postgresql")


@pytest.fixture(params=ENGINES)
def database_url(request, tmp_path):
    """Every test that stores anything runs on both engines."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def db(database_url):
    database = await open_database(database_url)
    yield database
    await database.close()


def skip_or_fail(reason: str, ci: bool) -> NoReturn:
    """No PostgreSQL server: skip its half of the tests, except in CI, where that fails."""
    if ci:
        pytest.fail(f"PostgreSQL half cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL half skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL server for the whole session (a testing.postgres.Cluster)."""
    if reason := why_unavailable():
        skip_or_fail(reason, ci=os.environ.get("CI") == "true")
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def postgres_server(postgres_cluster):
    """The session server's URL, as its superuser, to its `postgres` database."""
    return postgres_cluster.url


_databases = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh empty database on the session server for this test, dropped after it."""
    name = f"{re.sub(r'[^a-z0-9]+', '_', request.node.name.lower())[:40]}_{next(_databases)}"
    yield _in_thread(create_database(postgres_server, name))
    _in_thread(drop_database(postgres_server, name))


def _in_thread(coroutine):
    """Run a coroutine to its end on a loop of its own, away from the test's loop."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
