"""Jobs: the processes Connect runs for content (a notebook render, an app), as
`v1/content/{guid}/jobs`, `…/jobs/{key}` and `DELETE …/jobs/{key}` (stop it).

A job is recorded when its process starts and finished when it is seen to have ended; after a
restart of the emulator, jobs of processes it no longer holds are finished with no exit code.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import subprocess
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .access import content_for
from .apps import kill_process
from .auth import now
from .errors import ApiError
from .store import Row, Store

routes = web.RouteTableDef()

ACTIVE, FINISHED = 0, 1  # Connect's job status codes (2, "finalized", is not used here)

# Connect's job tags for the processes the emulator runs.
TAGS = {
    "jupyter-static": "build_jupyter",
    "python-dash": "run_dash_app",
    "python-streamlit": "run_streamlit",
    "python-bokeh": "run_bokeh_app",
    "python-fastapi": "run_fastapi_app",
    "python-api": "run_python_api",
    "python-flask": "run_python_api",
    "python-shiny": "run_pyshiny_app",
    "jupyter-voila": "run_voila_app",
}


@dataclass
class Handle:
    """How to ask a running job's process for its exit code, and how to stop it."""

    exit_code: Callable[[], int | None]
    stop: Callable[[], Awaitable[None]]


def app_handle(proc: subprocess.Popen[bytes]) -> Handle:
    return Handle(proc.poll, lambda: asyncio.to_thread(kill_process, proc))


def render_handle(proc: asyncio.subprocess.Process) -> Handle:
    async def stop() -> None:
        if proc.returncode is None:
            proc.kill()

    return Handle(lambda: proc.returncode, stop)


class JobBook:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._running: dict[str, Handle] = {}

    async def started(
        self, content: Row, bundle_id: int, mode: str, pid: int, handle: Handle
    ) -> str:
        key = secrets.token_urlsafe(12)
        t = now()
        await self.store.execute(
            "INSERT INTO jobs (key, content_guid, app_id, bundle_id, pid, tag, hostname,"
            " start_time, last_heartbeat_time, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            key,
            content["guid"],
            content["id"],
            bundle_id,
            pid,
            TAGS.get(mode, "unknown"),
            socket.gethostname(),
            t,
            t,
            ACTIVE,
        )
        self._running[key] = handle
        return key

    async def finished(self, key: str, exit_code: int | None) -> None:
        self._running.pop(key, None)
        await self.store.execute(
            "UPDATE jobs SET status = ?, exit_code = ?, end_time = ? WHERE key = ? AND status = ?",
            FINISHED,
            exit_code,
            now(),
            key,
            ACTIVE,
        )

    async def refresh(self, guid: str) -> None:
        """Finish the content's active jobs whose process has ended; beat for the others."""
        active = await self.store.fetchall(
            "SELECT key FROM jobs WHERE content_guid = ? AND status = ?", guid, ACTIVE
        )
        for row in active:
            handle = self._running.get(row["key"])
            if handle is None:  # started before a restart of the emulator
                await self.finished(row["key"], None)
            elif (code := handle.exit_code()) is not None:
                await self.finished(row["key"], code)
            else:
                await self.store.execute(
                    "UPDATE jobs SET last_heartbeat_time = ? WHERE key = ?", now(), row["key"]
                )

    async def stop(self, key: str) -> None:
        handle = self._running.get(key)
        if handle is not None:
            await handle.stop()


def job_json(row: Row) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "ppid": None,
        "pid": str(row["pid"]),
        "key": row["key"],
        "remote_id": None,
        "app_id": str(row["app_id"]),
        "variant_id": "0",
        "bundle_id": str(row["bundle_id"]),
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "last_heartbeat_time": row["last_heartbeat_time"],
        "queued_time": None,
        "queue_name": None,
        "tag": row["tag"],
        "exit_code": row["exit_code"],
        "status": row["status"],
        "hostname": row["hostname"],
        "cluster": None,
        "image": None,
        "run_as": "rstudio-connect",
    }


@routes.get("/__api__/v1/content/{guid}/jobs")
async def list_jobs(request: web.Request) -> web.Response:
    state, _, content = await content_for(request, edit=False)
    await state.jobs.refresh(content["guid"])
    rows = await state.store.fetchall(
        "SELECT * FROM jobs WHERE content_guid = ? ORDER BY id DESC", content["guid"]
    )
    return web.json_response([job_json(r) for r in rows])


async def _job(request: web.Request, *, edit: bool) -> tuple[JobBook, Row, Row]:
    state, _, content = await content_for(request, edit=edit)
    await state.jobs.refresh(content["guid"])
    row = await state.store.fetchone(
        "SELECT * FROM jobs WHERE content_guid = ? AND key = ?",
        content["guid"],
        request.match_info["key"],
    )
    if row is None:
        raise ApiError(4)
    return state.jobs, content, row


@routes.get("/__api__/v1/content/{guid}/jobs/{key}")
async def get_job(request: web.Request) -> web.Response:
    _, _, row = await _job(request, edit=False)
    return web.json_response(job_json(row))


@routes.delete("/__api__/v1/content/{guid}/jobs/{key}")
async def stop_job(request: web.Request) -> web.Response:
    """Stop the job's process, as Connect's "kill" does; an app starts again on its next visit."""
    book, content, row = await _job(request, edit=True)
    await book.stop(row["key"])
    await book.refresh(content["guid"])
    return web.json_response(
        {
            "app_id": str(content["id"]),
            "app_guid": content["guid"],
            "job_key": row["key"],
            "job_id": str(row["id"]),
            "result": "Order to kill job registered",
            "time": now(),
        }
    )
