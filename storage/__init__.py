"""SQLite storage on aiosqlite: the only package that speaks SQL."""

from storage.db import Database, database_path, open_database

__all__ = ["Database", "database_path", "open_database"]
