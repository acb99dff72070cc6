"""Storage on SQLite (aiosqlite) or PostgreSQL (asyncpg): the only package that speaks SQL."""

from storage.db import DEFAULT_URL, open_database
from storage.engine import Database, Transaction

__all__ = ["DEFAULT_URL", "Database", "Transaction", "open_database"]
