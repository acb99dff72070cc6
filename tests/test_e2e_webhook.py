"""Webhook mode end to end: Telegram's request is answered only once the update is stored
in the inbox, a wrong secret is refused, and the reply goes out through the fake server."""

import asyncio
import json
import socket

import httpx
import pytest

from bot.config import Settings
from bot.telegram.app import build, serve, webhook_secret
from testing.database import rows
from testing.fake_telegram import FakeTelegram

ADA = 8001


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADA, "Ada")
        yield server


def stored(database_url: str) -> list[tuple[int, int]]:
    return rows(database_url, "SELECT update_id, done FROM inbox ORDER BY update_id")


async def test_an_update_is_stored_before_telegram_gets_its_answer(fake, database_url):
    port = free_port()
    settings = Settings(
        token=fake.token,
        api_url=fake.root,
        database_url=database_url,
        webhook_url=f"https://bot.example/hook/{port}",
        port=port,
    )
    application, services = build(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(serve(application, services, stop, ready))
    await asyncio.wait_for(ready.wait(), 30)
    url = f"http://127.0.0.1:{port}/hook/{port}"
    message = fake.user_sends(ADA, "/streak")
    fake.updates.clear()  # delivered by the webhook below, not by getUpdates
    update = {"update_id": 77, "message": message}
    headers = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(settings)}
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(100):
                try:
                    forged = await client.post(
                        url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
                    )
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            assert forged.status_code == 403
            answer = await client.post(url, content=json.dumps(update), headers=headers)
            assert answer.status_code == 200
            assert stored(database_url)[0][0] == 77, "stored before the answer"
        [reply] = await fake.wait_for_messages(ADA, 1)
        assert "streak" in reply.plain_text.casefold()
    finally:
        stop.set()
        await serving
    assert stored(database_url) == [(77, 1)]
    assert fake.webhook_url == settings.webhook_url
