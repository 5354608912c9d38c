"""Python packages of deployed content: `v1/content/{guid}/packages` and the paged `v1/packages`.

Connect reports what it installed for the active bundle. The emulator installs nothing (unless
--build-venvs), so it reports what the bundle asked for: the pinned lines of its package file,
which is what Connect would install.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from aiohttp import web

from .access import content_for, role_on
from .auth import current_user
from .errors import ApiError
from .state import State, get_state
from .store import Row

routes = web.RouteTableDef()

# `name==1.2.3` (extras and environment markers allowed); other specifiers name no version.
PINNED = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;#,]+)")
FILTERS = ("language", "name", "version")
MAX_PAGE_SIZE = 1_000_000  # posit-sdk asks for every package in one page


def pinned_packages(text: str) -> list[tuple[str, str]]:
    """(name, version) for each pinned requirement, in file order; options and the rest skipped."""
    found = []
    for line in text.splitlines():
        match = PINNED.match(line)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def _read_packages(src: Path, manifest: dict[str, Any]) -> list[tuple[str, str]]:
    package_manager = (manifest.get("python") or {}).get("package_manager") or {}
    name = package_manager.get("package_file") or "requirements.txt"
    path = src / name
    if not path.is_file() or path.resolve().parent != src.resolve():
        return []
    return pinned_packages(path.read_text(errors="replace"))


async def content_packages(state: State, content: Row) -> list[dict[str, Any]]:
    """Connect's package records for the content's active bundle (empty before a deploy)."""
    if content["bundle_id"] is None:
        return []
    bundle = await state.store.fetchone(
        "SELECT id, manifest, py_version FROM bundles WHERE id = ?", content["bundle_id"]
    )
    if bundle is None:
        return []
    manifest = json.loads(bundle["manifest"])
    if not manifest.get("python"):
        return []  # no Python environment: nothing was installed
    src = state.layout.source(content["guid"], bundle["id"])
    pairs = await asyncio.to_thread(_read_packages, src, manifest)
    return [
        {
            "language": "python",
            "language_version": bundle["py_version"],
            "name": name,
            "version": version,
            "hash": None,
            "bundle_id": str(bundle["id"]),
            "app_id": str(content["id"]),
            "app_guid": content["guid"],
        }
        for name, version in pairs
    ]


def _matches(package: dict[str, Any], request: web.Request) -> bool:
    return all(
        package[key] == request.query[key] for key in FILTERS if request.query.get(key) is not None
    )


@routes.get("/__api__/v1/content/{guid}/packages")
async def list_content_packages(request: web.Request) -> web.Response:
    state, _, content = await content_for(request, edit=False)
    packages = await content_packages(state, content)
    return web.json_response([p for p in packages if _matches(p, request)])


@routes.get("/__api__/v1/packages")
async def list_packages(request: web.Request) -> web.Response:
    """Every package of every content the caller may see, paged as Connect pages it."""
    state, user = get_state(request), current_user(request)
    try:
        number = int(request.query.get("page_number", "1"))
        size = min(int(request.query.get("page_size", "100")), MAX_PAGE_SIZE)
    except ValueError as exc:
        raise ApiError(25) from exc
    if number < 1 or size < 1:
        raise ApiError(25, "page_number and page_size must be positive.")
    found: list[dict[str, Any]] = []
    for content in await state.store.fetchall(
        "SELECT * FROM content WHERE bundle_id IS NOT NULL ORDER BY id"
    ):
        admin = user["user_role"] == "administrator"
        if admin or await role_on(state.store, user, content) != "none":
            found += [p for p in await content_packages(state, content) if _matches(p, request)]
    start = (number - 1) * size
    return web.json_response(
        {"results": found[start : start + size], "current_page": number, "total": len(found)}
    )
