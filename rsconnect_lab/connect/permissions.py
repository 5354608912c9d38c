"""Who may see or change a content item: `/__api__/v1/content/{guid}/permissions`."""

from __future__ import annotations

from typing import Literal

from .models import Permission
from .transport import Transport
from .urls import segment

PrincipalType = Literal["user", "group"]
Role = Literal["viewer", "owner"]


class PermissionsResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def _path(self, guid: str) -> str:
        return f"v1/content/{segment(guid)}/permissions"

    async def list(self, guid: str) -> list[Permission]:
        data = await self._t.request(
            "GET", self._path(guid), what=f"listing the permissions of content {guid}"
        )
        return self._t.parse_list(Permission, data)

    async def add(
        self,
        guid: str,
        principal_guid: str,
        *,
        principal_type: PrincipalType = "user",
        role: Role = "viewer",
    ) -> Permission:
        """Give a user or group a role on the content ("owner" means collaborator)."""
        data = await self._t.request(
            "POST",
            self._path(guid),
            json={"principal_guid": principal_guid, "principal_type": principal_type, "role": role},
            what=f"sharing content {guid} with {principal_type} {principal_guid}",
        )
        return self._t.parse(Permission, data)

    async def delete(self, guid: str, permission_id: str) -> None:
        await self._t.request(
            "DELETE",
            f"{self._path(guid)}/{segment(permission_id)}",
            what=f"removing permission {permission_id} from content {guid}",
        )
