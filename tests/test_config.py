"""Settings from the environment, and logs that never show the token."""

import logging

import pytest

from bot.config import ConfigError, Settings
from bot.logs import Redact, setup_logging
from bot.telegram.app import worker_count

TOKEN = "123456:AAH-secret-token"


def test_defaults_and_overrides():
    assert Settings.from_env({}) == Settings(token="")
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": f" {TOKEN} ",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "DATABASE_URL": "sqlite:////var/data/bot.db",
            "ADMIN_IDS": "1, 22,333",
            "LOG_LEVEL": "debug",
            "PORT": "8080",
        }
    )
    assert settings.token == TOKEN
    assert settings.api_url == "http://127.0.0.1:8081"
    assert settings.admin_ids == {1, 22, 333}
    assert (settings.log_level, settings.port) == ("DEBUG", 8080)


@pytest.mark.parametrize(
    "env",
    [
        {"ADMIN_IDS": "1,two"},
        {"PORT": "http"},
        {"TELEGRAM_MAX_RATE": "-3"},
        {"WEB_CONCURRENCY": "0"},
    ],
)
def test_unusable_settings_are_named(env):
    with pytest.raises(ConfigError, match=next(iter(env))):
        Settings.from_env(env)


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_token_is_redacted_from_messages_arguments_and_tracebacks(capsys, restore_logging):
    setup_logging("INFO", [TOKEN])
    log = logging.getLogger("bot.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        log.exception("send failed")
    logging.getLogger("httpx").info("HTTP Request: POST /bot%s/getUpdates", TOKEN)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err.count("<redacted>") == 2
    assert "RuntimeError" in err


def test_redact_keeps_records_without_secrets_intact():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    assert Redact([TOKEN]).filter(record)
    assert record.getMessage() == "hello world"


PG = "postgresql://bot@127.0.0.1:5432/bot"


@pytest.mark.parametrize(
    ("env", "workers"),
    [
        ({"WEB_CONCURRENCY": "3", "WEBHOOK_URL": "https://x.example/h", "DATABASE_URL": PG}, 3),
        ({"WEB_CONCURRENCY": "3", "DATABASE_URL": PG}, 1),  # long polling: one poller
        ({"WEB_CONCURRENCY": "3", "WEBHOOK_URL": "https://x.example/h"}, 1),  # SQLite
        ({"WEBHOOK_URL": "https://x.example/h", "DATABASE_URL": PG}, 1),
    ],
)
def test_several_workers_only_for_a_webhook_on_postgresql(env, workers, caplog):
    assert worker_count(Settings.from_env(env)) == workers
    asked = int(env.get("WEB_CONCURRENCY", "1"))
    assert ("WEB_CONCURRENCY=3 ignored" in caplog.text) == (asked != workers)
