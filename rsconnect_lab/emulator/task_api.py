"""`v1/tasks/{id}` with first/wait/last, and the legacy `tasks/{id}` (first_status)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .auth import current_user
from .errors import ApiError
from .state import get_state
from .tasks import Task

routes = web.RouteTableDef()
MAX_WAIT = 20.0


def _int(request: web.Request, name: str, default: int) -> int:
    try:
        return int(request.query.get(name, default))
    except ValueError as exc:
        raise ApiError(25, f"{name} must be an integer.") from exc


async def _task(request: web.Request) -> Task:
    current_user(request)
    task = await get_state(request).tasks.get(request.match_info["id"])
    if task is None:
        raise ApiError(4)
    return task


@routes.get("/__api__/v1/tasks/{id}")
async def get_task(request: web.Request) -> web.Response:
    task = await _task(request)
    first = _int(request, "first", 0)
    if first < 0 or first > len(task.output):
        raise ApiError(25, "first must be between 0 and the number of lines so far.")
    try:
        wait = float(request.query.get("wait", "0"))
    except ValueError as exc:
        raise ApiError(25, "wait must be a number.") from exc
    await task.wait(min(max(wait, 0.0), MAX_WAIT))
    return web.json_response(task.as_json(first))


@routes.get("/__api__/tasks/{id}")
async def get_task_v0(request: web.Request) -> web.Response:
    task = await _task(request)
    first = max(0, min(_int(request, "first_status", 0), len(task.output)))
    return web.json_response(v0_task_json(task, first))


def v0_task_json(task: Task, first: int) -> dict[str, Any]:
    """The legacy task shape: `status` lines and a `last_status` counter."""
    return {
        "id": task.id,
        "status": task.output[first:],
        "finished": task.finished,
        "code": task.code,
        "error": task.error,
        "last_status": len(task.output),
        "user_id": 0,
        "result": task.result,
    }
