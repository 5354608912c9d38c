"""Tasks: a log that grows line by line, polled with first/wait/last; persisted when done."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from .auth import now
from .store import Store

log = logging.getLogger(__name__)


class TaskFailed(Exception):
    """Ends a task with code 1 and this message as its error."""


class Task:
    def __init__(self, task_id: str, content_guid: str | None, kind: str) -> None:
        self.id = task_id
        self.content_guid = content_guid
        self.kind = kind
        self.output: list[str] = []
        self.finished = False
        self.code = 0
        self.error = ""
        self.result: dict[str, Any] | None = None
        self._done = asyncio.Event()

    def log(self, line: str) -> None:
        self.output.append(line.rstrip("\n"))

    def finish(self, code: int, error: str = "", result: dict[str, Any] | None = None) -> None:
        self.finished, self.code, self.error, self.result = True, code, error, result
        self._done.set()

    async def wait(self, seconds: float) -> None:
        if seconds > 0 and not self.finished:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._done.wait(), seconds)

    def as_json(self, first: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "output": self.output[first:],
            "finished": self.finished,
            "code": self.code,
            "error": self.error,
            "last": len(self.output),
            "result": self.result,
        }


class TaskManager:
    """Runs task bodies in the background; finished tasks also live in SQLite."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._live: dict[str, Task] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def recover(self) -> None:
        # A task cut off by a stop can never finish; say so instead of leaving it hanging.
        await self._store.execute(
            "UPDATE tasks SET finished = 1, code = 1, error = ? WHERE finished = 0",
            "The emulator was stopped while this task ran.",
        )

    async def start(
        self,
        kind: str,
        content_guid: str | None,
        user_guid: str | None,
        body: Callable[[Task], Awaitable[dict[str, Any] | None]],
    ) -> Task:
        task = Task(secrets.token_urlsafe(12), content_guid, kind)
        await self._store.execute(
            "INSERT INTO tasks (id, content_guid, kind, user_guid, created_time)"
            " VALUES (?, ?, ?, ?, ?)",
            task.id,
            content_guid,
            kind,
            user_guid,
            now(),
        )
        self._live[task.id] = task
        runner = asyncio.create_task(self._run(task, body))
        self._running.add(runner)
        runner.add_done_callback(self._running.discard)
        return task

    async def _run(
        self, task: Task, body: Callable[[Task], Awaitable[dict[str, Any] | None]]
    ) -> None:
        try:
            result = await body(task)
            task.log("Task complete.")
            task.finish(0, result=result)
        except TaskFailed as exc:
            task.log(f"Error: {exc}")
            task.finish(1, str(exc))
        except asyncio.CancelledError:
            task.finish(1, "The emulator was stopped while this task ran.")
            raise
        except Exception as exc:  # an emulator bug must still end the task
            log.exception("task %s crashed", task.id)
            task.log(f"Error: internal failure: {exc}")
            task.finish(1, f"internal failure: {exc}")
        finally:
            if await self._persist(task):
                # Stored for good: later polls read it from SQLite, so a long-running
                # emulator does not keep every task it ever ran in memory.
                self._live.pop(task.id, None)

    async def _persist(self, task: Task) -> bool:
        try:
            await self._store.execute(
                "UPDATE tasks SET output = ?, finished = 1, code = ?, error = ?, result = ?"
                " WHERE id = ?",
                json.dumps(task.output),
                task.code,
                task.error,
                json.dumps(task.result) if task.result is not None else None,
                task.id,
            )
        except Exception:  # the database is gone (a stop): the task stays in memory
            log.warning("could not store task %s", task.id, exc_info=True)
            return False
        return True

    async def get(self, task_id: str) -> Task | None:
        if task_id in self._live:
            return self._live[task_id]
        row = await self._store.fetchone("SELECT * FROM tasks WHERE id = ?", task_id)
        if row is None:
            return None
        task = Task(row["id"], row["content_guid"], row["kind"])
        task.output = json.loads(row["output"])
        task.finish(row["code"], row["error"], json.loads(row["result"]) if row["result"] else None)
        return task

    async def shutdown(self) -> None:
        for t in list(self._running):
            t.cancel()
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
