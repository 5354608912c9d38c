"""Groups and their members: `/__api__/v1/groups`."""

from __future__ import annotations

from collections.abc import AsyncIterator

from .models import Group, User
from .paging import numbered_pages
from .transport import Transport
from .urls import segment


class GroupsResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def list(self, *, prefix: str | None = None) -> AsyncIterator[Group]:
        params = {"prefix": prefix} if prefix else {}
        async for item in numbered_pages(self._t, "v1/groups", params, what="listing groups"):
            yield self._t.parse(Group, item)

    async def get(self, guid: str) -> Group:
        data = await self._t.request(
            "GET", f"v1/groups/{segment(guid)}", what=f"reading group {guid}"
        )
        return self._t.parse(Group, data)

    async def create(self, name: str, *, unique_id: str | None = None) -> Group:
        body = {"name": name, **({"unique_id": unique_id} if unique_id else {})}
        data = await self._t.request(
            "POST", "v1/groups", json=body, what=f"creating group {name!r}"
        )
        return self._t.parse(Group, data)

    async def delete(self, guid: str) -> None:
        await self._t.request("DELETE", f"v1/groups/{segment(guid)}", what=f"deleting group {guid}")

    async def members(self, guid: str) -> AsyncIterator[User]:
        async for item in numbered_pages(
            self._t,
            f"v1/groups/{segment(guid)}/members",
            {},
            what=f"listing the members of group {guid}",
        ):
            yield self._t.parse(User, item)

    async def add_member(self, guid: str, user_guid: str) -> None:
        await self._t.request(
            "POST",
            f"v1/groups/{segment(guid)}/members",
            json={"user_guid": user_guid},
            what=f"adding user {user_guid} to group {guid}",
        )

    async def remove_member(self, guid: str, user_guid: str) -> None:
        await self._t.request(
            "DELETE",
            f"v1/groups/{segment(guid)}/members/{segment(user_guid)}",
            what=f"removing user {user_guid} from group {guid}",
        )
