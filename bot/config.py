"""Settings from the environment, read once at start-up (names in the README)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_API_URL = "https://api.telegram.org"


class ConfigError(ValueError):
    """A setting is present but unusable; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str
    api_url: str = DEFAULT_API_URL
    database_url: str | None = None
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_url: str = ""
    port: int = 8443
    web_concurrency: int = 1  # webhook worker processes sharing the port
    max_messages_per_second: float = 30.0
    paid_broadcast: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            api_url=env.get("TELEGRAM_API_URL", DEFAULT_API_URL).strip().rstrip("/"),
            database_url=env.get("DATABASE_URL") or None,
            admin_ids=_ids(env.get("ADMIN_IDS", "")),
            log_level=env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
            webhook_url=env.get("WEBHOOK_URL", "").strip(),
            port=_number(env, "PORT", 8443, int),
            web_concurrency=_number(env, "WEB_CONCURRENCY", 1, int),
            max_messages_per_second=_number(env, "TELEGRAM_MAX_RATE", 30.0, float),
            paid_broadcast=env.get("TELEGRAM_PAID_BROADCAST", "").strip().lower()
            in ("1", "true", "yes", "on"),
        )


def _ids(raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError:
        raise ConfigError(f"ADMIN_IDS must be comma-separated numbers, got {raw!r}") from None


def _number(env: Mapping[str, str], name: str, default, kind):
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value
