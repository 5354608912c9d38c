"""Users: `/__api__/v1/users` (page-number paging)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from .models import User
from .paging import numbered_pages
from .transport import Transport
from .urls import segment


class UsersResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def list(
        self,
        *,
        prefix: str | None = None,
        user_role: str | None = None,
        account_status: str | None = None,
    ) -> AsyncIterator[User]:
        """Every matching user, fetching pages of 500 as the iteration needs them."""
        params = {
            key: value
            for key, value in (
                ("prefix", prefix),
                ("user_role", user_role),
                ("account_status", account_status),
            )
            if value is not None
        }
        async for item in numbered_pages(self._t, "v1/users", params, what="listing users"):
            yield self._t.parse(User, item)

    async def get(self, guid: str) -> User:
        data = await self._t.request(
            "GET", f"v1/users/{segment(guid)}", what=f"reading user {guid}"
        )
        return self._t.parse(User, data)

    async def lock(self, guid: str, locked: bool = True) -> None:
        """Lock (or unlock) a user's account; their API keys stop working while locked."""
        await self._t.request(
            "POST",
            f"v1/users/{segment(guid)}/lock",
            json={"locked": locked},
            what=f"{'locking' if locked else 'unlocking'} user {guid}",
        )

    async def count(self) -> int:
        data = await self._t.request(
            "GET", "v1/users", params={"page_number": 1, "page_size": 1}, what="the user list"
        )
        total: Any = (data or {}).get("total")
        return int(total or 0)
