"""Usage records with cursor paging: content visits (written when content is served)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from aiohttp import web

from .auth import current_user, require_role
from .errors import ApiError
from .state import get_state

routes = web.RouteTableDef()


def _cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(str(row_id).encode()).decode().rstrip("=")


def _uncursor(text: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except ValueError as exc:
        raise ApiError(25, "Invalid paging cursor.") from exc


def _time(text: str) -> str:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApiError(25, f"Invalid timestamp {text!r}.") from exc
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


@routes.get("/__api__/v1/instrumentation/content/visits")
async def visits(request: web.Request) -> web.Response:
    state = get_state(request)
    require_role(current_user(request), "administrator", "publisher")
    q = request.query
    try:
        limit = int(q.get("limit", "20"))
    except ValueError as exc:
        raise ApiError(25) from exc
    if not 1 <= limit <= 500:
        raise ApiError(25, "limit must be 1..500.")
    asc = q.get("asc_order", "true").lower() != "false"
    sql, params = "SELECT * FROM visits WHERE 1=1", list[Any]()
    if guid := q.get("content_guid"):
        sql += " AND content_guid = ?"
        params.append(guid)
    for name, op in (("from", ">="), ("start", ">="), ("to", "<="), ("end", "<=")):
        if q.get(name):
            sql += f" AND time {op} ?"
            params.append(_time(q[name]))
    if q.get("next"):
        sql += " AND id > ?" if asc else " AND id < ?"
        params.append(_uncursor(q["next"]))
    elif q.get("previous"):
        sql += " AND id < ?" if asc else " AND id > ?"
        params.append(_uncursor(q["previous"]))
    backwards = bool(q.get("previous")) and not q.get("next")
    # The page before a cursor is the `limit` rows nearest to it: read them walking away from
    # the cursor, then put them back in the asked order.
    order = "ASC" if asc != backwards else "DESC"
    rows = await state.store.fetchall(f"{sql} ORDER BY id {order} LIMIT ?", *params, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    results: list[dict[str, Any]] = [
        {
            "content_guid": r["content_guid"],
            "user_guid": r["user_guid"],
            "variant_key": None,
            "rendering_id": None,
            "bundle_id": r["bundle_id"],
            "time": r["time"],
            "data_version": 1,
            "path": r["path"],
        }
        for r in rows
    ]
    if backwards:  # we came from the page after this one; earlier ones exist if `more`
        nxt = _cursor(rows[-1]["id"]) if rows else None
        prev = _cursor(rows[0]["id"]) if rows and more else None
    else:
        nxt = _cursor(rows[-1]["id"]) if rows and more else None
        prev = _cursor(rows[0]["id"]) if rows and q.get("next") else None
    base = str(request.url.with_query(None))
    return web.json_response(
        {
            "paging": {
                "cursors": {"previous": prev, "next": nxt},
                "first": base,
                "previous": f"{base}?previous={prev}" if prev else None,
                "next": f"{base}?next={nxt}" if nxt else None,
                "last": None,
            },
            "results": results,
        }
    )


@routes.get("/__api__/v1/instrumentation/shiny/usage")
async def shiny_usage(request: web.Request) -> web.Response:
    current_user(request)
    cursors = {"previous": None, "next": None}
    paging = {"cursors": cursors, "first": None, "previous": None, "next": None, "last": None}
    return web.json_response({"paging": paging, "results": []})
