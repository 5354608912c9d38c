"""Usage records: content visits and Shiny sessions (`/__api__/v1/instrumentation`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from .models import ShinyUsage, Visit
from .paging import MAX_PAGE_SIZE, cursor_pages
from .transport import Transport


def _query(
    content_guid: str | None,
    start: datetime | str | None,
    end: datetime | str | None,
    min_data_version: int | None,
) -> dict[str, str | int]:
    query: dict[str, str | int] = {"limit": MAX_PAGE_SIZE, "asc_order": "true"}
    if content_guid:
        query["content_guid"] = content_guid
    # Connect spells the range `from`/`to` (RFC 3339); posit-sdk calls them start/end.
    for key, value in (("from", start), ("to", end)):
        if value is not None:
            query[key] = value.isoformat() if isinstance(value, datetime) else value
    if min_data_version is not None:
        query["min_data_version"] = min_data_version
    return query


class UsageResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def visits(
        self,
        *,
        content_guid: str | None = None,
        start: datetime | str | None = None,
        end: datetime | str | None = None,
        min_data_version: int | None = None,
    ) -> AsyncIterator[Visit]:
        query = _query(content_guid, start, end, min_data_version)
        async for item in cursor_pages(
            self._t, "v1/instrumentation/content/visits", query, what="reading content visits"
        ):
            yield self._t.parse(Visit, item)

    async def shiny(
        self,
        *,
        content_guid: str | None = None,
        start: datetime | str | None = None,
        end: datetime | str | None = None,
        min_data_version: int | None = None,
    ) -> AsyncIterator[ShinyUsage]:
        query = _query(content_guid, start, end, min_data_version)
        async for item in cursor_pages(
            self._t, "v1/instrumentation/shiny/usage", query, what="reading Shiny usage"
        ):
            yield self._t.parse(ShinyUsage, item)
