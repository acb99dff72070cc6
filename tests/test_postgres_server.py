"""The throwaway PostgreSQL server of the tests: it answers, each test gets its own empty
database, it restarts in place, and a machine without it skips (locally) or fails (in CI)."""

import asyncpg
import pytest

from tests.conftest import skip_or_fail

seen_databases: set[str] = set()


async def test_the_server_answers_a_query(postgres_server):
    connection = await asyncpg.connect(postgres_server)
    try:
        assert await connection.fetchval("SELECT 6 * 7") == 42
        assert await connection.fetchval("SHOW server_encoding") == "UTF8"
    finally:
        await connection.close()


@pytest.mark.parametrize("turn", [1, 2])
async def test_each_test_gets_its_own_empty_database(postgres_url, turn):
    connection = await asyncpg.connect(postgres_url)
    try:
        tables = await connection.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        )
        assert tables == 0
        await connection.execute("CREATE TABLE marker (turn int)")
        name = await connection.fetchval("SELECT current_database()")
    finally:
        await connection.close()
    assert name not in seen_databases
    seen_databases.add(name)


async def test_a_restart_closes_open_connections_and_keeps_the_data(postgres_cluster, postgres_url):
    before = await asyncpg.connect(postgres_url)
    try:
        await before.execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)")
        postgres_cluster.restart()
        with pytest.raises((asyncpg.PostgresConnectionError, asyncpg.InterfaceError)):
            await before.fetchval("SELECT 1")
    finally:
        before.terminate()
    after = await asyncpg.connect(postgres_url)
    try:
        assert await after.fetchval("SELECT n FROM kept") == 1
    finally:
        await after.close()


def test_without_a_server_a_local_run_skips():
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL half skipped: no initdb"):
        skip_or_fail("no initdb found", ci=False)


def test_without_a_server_ci_fails():
    with pytest.raises(pytest.fail.Exception, match="no initdb found"):
        skip_or_fail("no initdb found", ci=True)
