"""`/timezone` end to end: only real IANA zones, UTC offsets and city names are accepted,
never a file on the server or a zone that is not a place, and the reply says what was
understood."""

import pytest

from testing.bot_runner import running_bot
from testing.database import rows
from testing.fake_telegram import FakeTelegram

ADA = 6001
REFUSED = [
    "/etc/localtime",
    "localtime",
    "Factory",
    "factory",
    "posixrules",
    "/usr/share/zoneinfo/Europe/Berlin",
    "../../../etc/localtime",
    "~/zoneinfo",
    "Europe/../localtime",
    "UTC+15",
]
UNDERSTOOD = [
    ("Europe/Berlin", "Time zone set to Europe/Berlin"),
    ("berlin", "I read “berlin” as Europe/Berlin."),
    ("new york", "I read “new york” as America/New_York."),
    ("UTC+3", "Time zone set to UTC+3 (Etc/GMT-3)"),
    ("gmt-5", "Time zone set to UTC-5 (Etc/GMT+5)"),
    ("UTC", "Time zone set to UTC"),
]


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADA, "Ada")
        yield server


def stored_zone(database_url: str) -> str:
    [(zone,)] = rows(database_url, "SELECT timezone FROM learners WHERE user_id = ?", (ADA,))
    return zone


async def say(fake, text):
    before = len(fake.messages_to(ADA))
    fake.user_sends(ADA, text)
    [reply] = await fake.wait_for_messages(ADA, 1, since=before)
    return reply.plain_text.replace("\u2068", "").replace("\u2069", "")


async def test_files_and_zones_that_are_not_places_are_refused(fake, database_url):
    async with running_bot(fake, database_url):
        for query in REFUSED:
            reply = await say(fake, f"/timezone {query}")
            assert reply.startswith("I don't know the time zone"), (query, reply)
            rest = reply.replace(query, "").casefold()
            assert "localtime" not in rest and "factory" not in rest
            assert stored_zone(database_url) == "UTC", query


async def test_zones_offsets_and_cities_say_what_was_understood(fake, database_url):
    async with running_bot(fake, database_url):
        for query, said in UNDERSTOOD:
            reply = await say(fake, f"/timezone {query}")
            assert said in reply, (query, reply)
        assert stored_zone(database_url) == "UTC"
