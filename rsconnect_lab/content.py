"""The user's own content on a server, shaped for the content browser."""

from __future__ import annotations

from typing import Any

from .connect import ConnectClient

_FIELDS = (
    "guid",
    "name",
    "title",
    "app_mode",
    "content_url",
    "dashboard_url",
    "created_time",
    "last_deployed_time",
    "bundle_id",
    "py_version",
)


async def list_user_content(client: ConnectClient) -> dict[str, Any]:
    """``{content, user}``: the caller's own content, newest first, and who the key is."""
    me = await client.me()
    items = await client.content.list(owner_guid=me.guid)
    rows = [{f: getattr(c, f, None) for f in _FIELDS} for c in items]
    rows.sort(
        key=lambda r: r.get("last_deployed_time") or r.get("created_time") or "", reverse=True
    )
    return {"content": rows, "user": {"username": me.username, "user_role": me.user_role}}


async def delete_content(client: ConnectClient, guid: str) -> None:
    """Delete content of the caller's on the server (Connect checks the permission)."""
    await client.content.delete(guid)
