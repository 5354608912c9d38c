"""The two paging styles of Connect's list endpoints (CONNECT_CONTRACT.md §3.5)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from .transport import Transport

MAX_PAGE_SIZE = 500


async def numbered_pages(
    transport: Transport, path: str, params: Mapping[str, str | int], *, what: str
) -> AsyncIterator[Mapping[str, Any]]:
    """Items of `{results, current_page, total}` pages (users, groups, members), page 1 first.

    Stops at an empty page or once `total` items have come, as posit-sdk does.
    """
    page, seen = 1, 0
    while True:
        data = await transport.request(
            "GET",
            path,
            params={**params, "page_number": page, "page_size": MAX_PAGE_SIZE},
            what=what,
        )
        results = (data or {}).get("results") or []
        for item in results:
            yield item
        seen += len(results)
        total = (data or {}).get("total")
        # A short page is the last one; this also ends the loop on a server that ignores
        # page_number and would otherwise send its first page forever.
        if len(results) < MAX_PAGE_SIZE or (isinstance(total, int) and seen >= total):
            return
        page += 1


async def cursor_pages(
    transport: Transport, path: str, params: Mapping[str, str | int], *, what: str
) -> AsyncIterator[Mapping[str, Any]]:
    """Items of `{paging: {cursors: {next}}, results}` pages (instrumentation)."""
    cursor: str | None = None
    while True:
        query = dict(params)
        if cursor:
            query["next"] = cursor
        data = await transport.request("GET", path, params=query, what=what) or {}
        for item in data.get("results") or []:
            yield item
        following = ((data.get("paging") or {}).get("cursors") or {}).get("next")
        if not following or following == cursor:  # a repeated cursor would loop forever
            return
        cursor = following
