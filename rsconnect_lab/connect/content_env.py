"""Environment variables of a content item: `/__api__/v1/content/{guid}/environment`.

Not to be confused with `rsconnect_lab.environment` (the notebook's Python environment).
Connect returns names only, never values; values are sent and forgotten (never logged).
"""

from __future__ import annotations

from collections.abc import Mapping

from .transport import Transport
from .urls import segment


class ContentEnvResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def _path(self, guid: str) -> str:
        return f"v1/content/{segment(guid)}/environment"

    async def names(self, guid: str) -> list[str]:
        data = await self._t.request(
            "GET", self._path(guid), what=f"reading the environment variables of content {guid}"
        )
        return _names(data)

    async def update(self, guid: str, values: Mapping[str, str | None]) -> list[str]:
        """Set the listed variables; a None value deletes one. Others are left alone."""
        return await self._send("PATCH", guid, values, "setting")

    async def replace(self, guid: str, values: Mapping[str, str]) -> list[str]:
        """Make the content's variables exactly `values` (an empty mapping clears them)."""
        return await self._send("PUT", guid, values, "replacing")

    async def _send(
        self, method: str, guid: str, values: Mapping[str, str | None], verb: str
    ) -> list[str]:
        body = [{"name": name, "value": value} for name, value in values.items()]
        data = await self._t.request(
            method,
            self._path(guid),
            json=body,
            what=f"{verb} the environment variables of content {guid}",
        )
        return _names(data)

    async def delete(self, guid: str, *names: str) -> list[str]:
        return await self.update(guid, dict.fromkeys(names))


def _names(data: object) -> list[str]:
    # Connect answers with names; tolerate `[{"name": …}]` from other implementations.
    if not isinstance(data, list):
        return []
    return [str(item["name"]) if isinstance(item, dict) else str(item) for item in data]
