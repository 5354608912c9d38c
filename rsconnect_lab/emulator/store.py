"""SQLite state. One connection, used from one worker thread so the event loop never blocks."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

Row = dict[str, Any]
T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    guid TEXT PRIMARY KEY, username TEXT UNIQUE NOT NULL, email TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '', last_name TEXT NOT NULL DEFAULT '',
    user_role TEXT NOT NULL, created_time TEXT NOT NULL, updated_time TEXT NOT NULL,
    active_time TEXT, locked INTEGER NOT NULL DEFAULT 0, confirmed INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS api_keys (
    key_hash TEXT PRIMARY KEY, user_guid TEXT NOT NULL, name TEXT, created_time TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups_ (
    guid TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, created_time TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS group_members (
    group_guid TEXT NOT NULL, user_guid TEXT NOT NULL, PRIMARY KEY (group_guid, user_guid));
CREATE TABLE IF NOT EXISTS content (
    id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
    title TEXT, description TEXT NOT NULL DEFAULT '', access_type TEXT NOT NULL DEFAULT 'acl',
    owner_guid TEXT NOT NULL, app_mode TEXT NOT NULL DEFAULT 'unknown',
    content_category TEXT NOT NULL DEFAULT '', bundle_id INTEGER, created_time TEXT NOT NULL,
    last_deployed_time TEXT NOT NULL, py_version TEXT, settings TEXT NOT NULL DEFAULT '{}',
    UNIQUE (owner_guid, name));
CREATE TABLE IF NOT EXISTS bundles (
    id INTEGER PRIMARY KEY AUTOINCREMENT, content_guid TEXT NOT NULL, created_time TEXT NOT NULL,
    size INTEGER NOT NULL, md5 TEXT NOT NULL, sha1 TEXT NOT NULL, py_version TEXT,
    app_mode TEXT NOT NULL, manifest TEXT NOT NULL, built INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY, content_guid TEXT, kind TEXT NOT NULL, user_guid TEXT,
    output TEXT NOT NULL DEFAULT '[]', finished INTEGER NOT NULL DEFAULT 0,
    code INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', result TEXT,
    created_time TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS env_vars (
    content_guid TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (content_guid, name));
CREATE TABLE IF NOT EXISTS vanities (
    content_guid TEXT PRIMARY KEY, path TEXT UNIQUE NOT NULL, created_time TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS permissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, content_guid TEXT NOT NULL, principal_guid TEXT NOT NULL,
    principal_type TEXT NOT NULL, role TEXT NOT NULL, UNIQUE (content_guid, principal_guid));
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL, content_guid TEXT NOT NULL,
    app_id INTEGER NOT NULL, bundle_id INTEGER NOT NULL, pid INTEGER NOT NULL, tag TEXT NOT NULL,
    hostname TEXT NOT NULL, start_time TEXT NOT NULL, end_time TEXT,
    last_heartbeat_time TEXT NOT NULL, status INTEGER NOT NULL, exit_code INTEGER);
CREATE TABLE IF NOT EXISTS tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, parent_id INTEGER,
    created_time TEXT NOT NULL, updated_time TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS content_tags (
    content_guid TEXT NOT NULL, tag_id INTEGER NOT NULL, PRIMARY KEY (content_guid, tag_id));
CREATE TABLE IF NOT EXISTS visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT, content_guid TEXT NOT NULL, user_guid TEXT,
    bundle_id INTEGER, time TEXT NOT NULL, path TEXT NOT NULL);
"""

MIGRATIONS = [("bundles", "source", "TEXT NOT NULL DEFAULT '{}'")]


class Store:
    """Thread-safe access to one SQLite file; async callers go through a single worker thread."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        # WAL + busy timeout: `add-user` from another process may write while we serve.
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(SCHEMA)
        self._migrate()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="emulator-sqlite")

    def _migrate(self) -> None:
        """Columns added after a data directory was first created."""
        for table, column, decl in MIGRATIONS:
            have = {r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    # -- synchronous API (CLI, Emulator.add_user before start, worker thread) --

    def fetchall_sync(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return [dict(r) for r in self._conn.execute(sql, params).fetchall()]

    def execute_sync(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns lastrowid (for inserts) or rowcount."""
        with self._lock:
            cur = self._conn.execute(sql, params)
            if sql.lstrip().upper().startswith("INSERT"):
                return cur.lastrowid or 0
            return cur.rowcount

    def transaction_sync(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in statements:
                    self._conn.execute(sql, params)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- async API --

    async def _run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn)

    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        return await self._run(lambda: self.fetchall_sync(sql, params))

    async def fetchone(self, sql: str, *params: Any) -> Row | None:
        rows = await self.fetchall(sql, *params)
        return rows[0] if rows else None

    async def execute(self, sql: str, *params: Any) -> int:
        return await self._run(lambda: self.execute_sync(sql, params))

    async def transaction(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        await self._run(lambda: self.transaction_sync(statements))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        with self._lock:
            self._conn.close()
