"""API keys, users and roles: who is calling, and may they do this."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from .errors import ApiError
from .store import Row, Store

ROLES = ("administrator", "publisher", "viewer")
USER_KEY: web.RequestKey[Row] = web.RequestKey("user")

_PRIVILEGES = {
    "viewer": ["view_apps"],
    "publisher": ["view_apps", "publish_apps", "remove_apps", "add_vanities"],
    "administrator": [
        "view_apps",
        "publish_apps",
        "remove_apps",
        "add_vanities",
        "add_users",
        "change_users",
        "remove_users",
        "change_apps",
        "view_users",
        "edit_run_as",
        "change_app_permissions",
        "lock_users",
    ],
}


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_key() -> str:
    # 32 hex characters, the length of Connect's own keys.
    return secrets.token_hex(16)


def hash_key(key: str) -> str:
    # Keys are stored hashed, as Connect does; only the holder knows the key.
    return hashlib.sha256(key.encode()).hexdigest()


def create_user_sync(
    store: Store, username: str, role: str, key: str | None = None, email: str = ""
) -> tuple[str, str]:
    """Create a user with one API key; returns (guid, key). Used before the loop runs too."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    guid = str(uuid.uuid4())
    key = key or new_key()
    t = now()
    store.transaction_sync(
        [
            (
                "INSERT INTO users (guid, username, email, first_name, user_role, created_time,"
                " updated_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guid, username, email or f"{username}@example.com", username, role, t, t),
            ),
            (
                "INSERT INTO api_keys (key_hash, user_guid, name, created_time) VALUES (?,?,?,?)",
                (hash_key(key), guid, "emulator", t),
            ),
        ]
    )
    return guid, key


def add_key_sync(store: Store, user_guid: str, key: str) -> None:
    store.execute_sync(
        "INSERT OR IGNORE INTO api_keys (key_hash, user_guid, name, created_time)"
        " VALUES (?, ?, ?, ?)",
        (hash_key(key), user_guid, "emulator", now()),
    )


def user_json(u: Row) -> dict[str, Any]:
    return {
        "guid": u["guid"],
        "username": u["username"],
        "email": u["email"],
        "first_name": u["first_name"],
        "last_name": u["last_name"],
        "user_role": u["user_role"],
        "created_time": u["created_time"],
        "updated_time": u["updated_time"],
        "active_time": u["active_time"],
        "confirmed": bool(u["confirmed"]),
        "locked": bool(u["locked"]),
        "password": "",
        "privileges": _PRIVILEGES.get(u["user_role"], []),
    }


def presented_key(request: web.Request) -> str | None:
    """The API key from `Authorization: Key …` (or SPCS' X-RSC-Authorization), if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "key" and value.strip():
        return value.strip()
    alt = request.headers.get("X-RSC-Authorization", "").strip()
    return alt or None


async def user_for_key(store: Store, key: str) -> Row | None:
    return await store.fetchone(
        "SELECT u.* FROM users u JOIN api_keys k ON k.user_guid = u.guid WHERE k.key_hash = ?",
        hash_key(key),
    )


def current_user(request: web.Request) -> Row:
    """The authenticated caller; the auth middleware guarantees one on API routes."""
    user: Row | None = request.get(USER_KEY)
    if user is None:
        raise ApiError(24)
    return user


def optional_user(request: web.Request) -> Row | None:
    user: Row | None = request.get(USER_KEY)
    return user


def require_role(user: Row, *roles: str) -> None:
    if user["user_role"] not in roles:
        raise ApiError(22)


def can_publish(user: Row) -> bool:
    return user["user_role"] in ("administrator", "publisher")
