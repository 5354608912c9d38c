"""Content items: `/__api__/v1/content`."""

from __future__ import annotations

import re
from typing import Any

from . import errors
from .models import Content
from .transport import Transport
from .urls import segment

_NOT_NAME = re.compile(r"[^A-Za-z0-9_ -]")
_UNDERSCORES = re.compile(r"_+")


def make_name(title: str) -> str:
    """A content name from a title, exactly as rsconnect-python builds it.

    Lowercase, keep `[a-z0-9_ -]`, spaces to `_`, collapse `_` runs, at most 64 characters,
    left-padded with `_` to 3: so names made here and by rsconnect-python line up.
    """
    name = _NOT_NAME.sub("", title.lower()).replace(" ", "_")
    name = _UNDERSCORES.sub("_", name)[:64]
    return name.rjust(3, "_")


class ContentResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def list(
        self,
        *,
        name: str | None = None,
        owner_guid: str | None = None,
        include: str | None = None,
    ) -> list[Content]:
        """Content visible to the key's user, filtered on the server by exact name and owner."""
        params = {
            key: value
            for key, value in (("name", name), ("owner_guid", owner_guid), ("include", include))
            if value is not None
        }
        data = await self._t.request("GET", "v1/content", params=params, what="listing content")
        return self._t.parse_list(Content, data)

    async def get(self, guid: str, *, include: str | None = None) -> Content:
        params = {"include": include} if include else None
        data = await self._t.request(
            "GET", f"v1/content/{segment(guid)}", params=params, what=f"reading content {guid}"
        )
        return self._t.parse(Content, data)

    async def create(self, name: str, *, title: str | None = None, **fields: Any) -> Content:
        """New, empty content (`app_mode` "unknown" until a bundle is deployed)."""
        body: dict[str, Any] = {"name": name, **fields}
        if title is not None:
            body["title"] = title
        data = await self._t.request(
            "POST", "v1/content", json=body, what=f"creating content named {name!r}"
        )
        return self._t.parse(Content, data)

    async def update(self, guid: str, **fields: Any) -> Content:
        """PATCH any writable fields, e.g. `update(guid, title="Report")`."""
        data = await self._t.request(
            "PATCH", f"v1/content/{segment(guid)}", json=fields, what=f"updating content {guid}"
        )
        return self._t.parse(Content, data)

    async def delete(self, guid: str) -> None:
        await self._t.request(
            "DELETE", f"v1/content/{segment(guid)}", what=f"deleting content {guid}"
        )

    async def guid_for_legacy_id(self, app_id: str | int) -> str:
        """The GUID of content known by its legacy numeric id (old deployment records).

        Only the unversioned `GET /__api__/applications/{id}` knows these ids; everything
        else should use the GUID it returns.
        """
        data = await self._t.request(
            "GET", f"applications/{segment(str(app_id))}", what=f"looking up legacy id {app_id}"
        )
        guid = data.get("guid") if isinstance(data, dict) else None
        if not guid:
            self._t.error(
                errors.ServerError,
                f"{self._t.display_url} described legacy content {app_id} without a GUID.",
            )
        return str(guid)

    async def find_by_name(self, name: str, *, owner_guid: str | None = None) -> Content | None:
        items = await self.list(name=name, owner_guid=owner_guid)
        return items[0] if items else None

    async def unique_name(self, title: str) -> str:
        """`make_name(title)`, then `name1`, `name2`, … until no content has it (as rsconnect)."""
        base = make_name(title)
        candidate, counter = base, 0
        while await self.list(name=candidate):
            counter += 1
            suffix = str(counter)
            candidate = base[: 64 - len(suffix)] + suffix
        return candidate
