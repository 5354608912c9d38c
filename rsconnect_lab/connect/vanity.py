"""Vanity URLs: `/__api__/v1/content/{guid}/vanity` and `/__api__/v1/vanities`."""

from __future__ import annotations

from . import errors
from .models import Vanity
from .transport import Transport
from .urls import segment


class VanityResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def _path(self, guid: str) -> str:
        return f"v1/content/{segment(guid)}/vanity"

    async def get(self, guid: str) -> Vanity | None:
        """The content's vanity path, or None when it has none."""
        try:
            data = await self._t.request(
                "GET", self._path(guid), what=f"reading the vanity URL of {guid}"
            )
        except errors.NotFound:
            return None
        return self._t.parse(Vanity, data)

    async def set(self, guid: str, path: str, *, force: bool = False) -> Vanity:
        """Claim `path` (e.g. "/sales/"); `force` takes it from other content (admins only)."""
        normalised = "/" + path.strip("/") + "/"
        data = await self._t.request(
            "PUT",
            self._path(guid),
            json={"path": normalised, "force": force},
            what=f"setting vanity path {normalised} on content {guid}",
        )
        return self._t.parse(Vanity, data)

    async def delete(self, guid: str) -> None:
        await self._t.request("DELETE", self._path(guid), what=f"deleting the vanity URL of {guid}")

    async def list(self) -> list[Vanity]:
        """Every vanity path on the server (administrators)."""
        data = await self._t.request("GET", "v1/vanities", what="listing vanity URLs")
        return self._t.parse_list(Vanity, data)
