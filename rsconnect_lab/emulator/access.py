"""Content lookup, visibility and the v1 content object."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from .auth import current_user
from .errors import ApiError
from .state import State, get_state
from .store import Row, Store

GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

# Nullable runtime/scheduler fields kept in the `settings` JSON column.
SETTINGS_DEFAULTS: dict[str, Any] = {
    "connection_timeout": None,
    "read_timeout": None,
    "init_timeout": None,
    "idle_timeout": None,
    "max_processes": None,
    "min_processes": None,
    "max_conns_per_process": None,
    "load_factor": None,
    "cpu_request": None,
    "cpu_limit": None,
    "memory_request": None,
    "memory_limit": None,
    "amd_gpu_limit": None,
    "nvidia_gpu_limit": None,
    "service_account_name": None,
    "default_image_name": None,
    "default_environment_guid": None,
    "default_r_environment_management": None,
    "default_py_environment_management": None,
    "run_as": None,
    "run_as_current_user": False,
    "locked": False,
    "locked_message": "",
    "parameterized": False,
}


def root_url(request: web.Request) -> str:
    return str(request.url.origin())


async def load_content(store: Store, guid: str) -> Row:
    """The content row for a GUID (or a legacy numeric id); code 4 when there is none."""
    if guid.isdigit():
        row = await store.fetchone("SELECT * FROM content WHERE id = ?", int(guid))
    elif GUID_RE.match(guid):
        row = await store.fetchone("SELECT * FROM content WHERE guid = ?", guid.lower())
    else:
        row = None
    if row is None:
        raise ApiError(4)
    return row


async def role_on(store: Store, user: Row | None, content: Row) -> str:
    """`owner`, `editor`, `viewer` or `none`, as Connect's `app_role`."""
    if user is None:
        return "viewer" if content["access_type"] == "all" else "none"
    if content["owner_guid"] == user["guid"]:
        return "owner"
    perm = await store.fetchone(
        "SELECT p.role FROM permissions p WHERE p.content_guid = ? AND (p.principal_guid = ?"
        " OR p.principal_guid IN (SELECT group_guid FROM group_members WHERE user_guid = ?))"
        " ORDER BY p.role = 'owner' DESC LIMIT 1",
        content["guid"],
        user["guid"],
        user["guid"],
    )
    if perm is not None:
        return "editor" if perm["role"] == "owner" else "viewer"
    if content["access_type"] in ("all", "logged_in"):
        return "viewer"
    return "none"


async def require_view(store: Store, user: Row, content: Row) -> str:
    role = await role_on(store, user, content)
    if role == "none" and user["user_role"] != "administrator":
        raise ApiError(4)  # content you may not see does not exist for you
    return role


async def require_edit(store: Store, user: Row, content: Row) -> None:
    role = await require_view(store, user, content)
    if user["user_role"] == "administrator":
        return
    if role not in ("owner", "editor") or user["user_role"] == "viewer":
        raise ApiError(22)


async def content_for(request: web.Request, *, edit: bool) -> tuple[State, Row, Row]:
    """(state, caller, content) for a `{guid}` route, checked for viewing or for changing."""
    state, user = get_state(request), current_user(request)
    content = await load_content(state.store, request.match_info["guid"])
    if edit:
        await require_edit(state.store, user, content)
    else:
        await require_view(state.store, user, content)
    return state, user, content


def settings_of(content: Row) -> dict[str, Any]:
    return {**SETTINGS_DEFAULTS, **json.loads(content["settings"] or "{}")}


def content_json(
    content: Row, root: str, app_role: str, vanity: str | None = None
) -> dict[str, Any]:
    guid = content["guid"]
    deployed = content["bundle_id"] is not None
    py = content["py_version"]
    url = f"{root}{vanity}" if vanity else f"{root}/content/{guid}/"
    return {
        "guid": guid,
        "name": content["name"],
        "title": content["title"],
        "description": content["description"],
        "access_type": content["access_type"],
        **settings_of(content),
        "created_time": content["created_time"],
        "last_deployed_time": content["last_deployed_time"],
        "bundle_id": str(content["bundle_id"]) if deployed else None,
        "app_mode": content["app_mode"],
        "content_category": content["content_category"],
        "cluster_name": "Local" if deployed else None,
        "image_name": None,
        "r_version": None,
        "py_version": py,
        "quarto_version": None,
        "node_version": None,
        "r_environment_management": None,
        "py_environment_management": True if py else None,
        "owner_guid": content["owner_guid"],
        "content_url": url,
        "dashboard_url": f"{root}/connect/#/apps/{guid}",
        "app_role": app_role,
        "id": str(content["id"]),
    }
