"""Tasks: poll `/__api__/v1/tasks/{id}` and follow a task's output line by line."""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Awaitable, Callable

from . import errors
from .models import Task
from .transport import Transport, env_float
from .urls import segment

DEFAULT_TASK_TIMEOUT = 86400.0
MAX_WAIT = 20  # Connect caps `wait` at 20 s
REMEMBERED_TASKS = 1000
_ERROR_SLUG = re.compile(r"Error code:\s*([a-z0-9-]+)", re.IGNORECASE)
TROUBLESHOOTING = "https://docs.posit.co/connect/user/troubleshooting/#"

LogsUrlLookup = Callable[[str], Awaitable[str | None]]


class TasksResource:
    def __init__(self, transport: Transport, logs_url_for: LogsUrlLookup) -> None:
        self._t = transport
        self._logs_url_for = logs_url_for
        # task id -> content guid, so a failed deploy can point at that content's logs.
        self._content_of: dict[str, str] = {}

    def remember(self, task_id: str, content_guid: str) -> None:
        self._content_of[task_id] = content_guid
        if len(self._content_of) > REMEMBERED_TASKS:  # a client lives as long as the server
            del self._content_of[next(iter(self._content_of))]

    async def get(self, task_id: str, *, first: int | None = None, wait: int = 0) -> Task:
        params: dict[str, int] = {"wait": max(0, min(wait, MAX_WAIT))}
        if first is not None:
            params["first"] = first
        data = await self._t.request(
            "GET", f"v1/tasks/{segment(task_id)}", params=params, what=f"reading task {task_id}"
        )
        return self._t.parse(Task, data)

    def follow(
        self,
        task_id: str,
        *,
        wait: int = 1,
        timeout: float | None = None,
        poll_interval: float = 0.5,
        content_guid: str | None = None,
        logs_url: str | None = None,
        tail: int = 20,
        first: int = 0,
    ) -> TaskFollower:
        """An async iterator over the task's output lines, each once and in order.

        `first` resumes after an interruption: lines before it are not fetched again (pass
        the interrupted follower's `resume_from`).

        When the task ends with a non-zero code the iterator first yields the remaining lines,
        then raises TaskFailed (with the last `tail` lines and the content's logs URL).
        `timeout` (default CONNECT_TASK_TIMEOUT, else a day) raises TaskTimeout; the task
        itself keeps running on the server.
        """
        return TaskFollower(
            self,
            task_id,
            wait=wait,
            timeout=timeout
            if timeout is not None
            else env_float("CONNECT_TASK_TIMEOUT", DEFAULT_TASK_TIMEOUT),
            poll_interval=poll_interval,
            content_guid=content_guid or self._content_of.get(task_id),
            logs_url=logs_url,
            tail=tail,
            first=first,
        )

    async def wait(
        self,
        task_id: str,
        *,
        timeout: float | None = None,
        content_guid: str | None = None,
        logs_url: str | None = None,
    ) -> Task:
        """Follow the task to its end, discarding the lines; returns the final task."""
        follower = self.follow(
            task_id, timeout=timeout, content_guid=content_guid, logs_url=logs_url
        )
        return await follower.run()

    async def logs_url(self, follower: TaskFollower) -> str | None:
        """Where to read more: the URL given to follow(), else the content's logs page."""
        if follower.logs_url is None and follower.content_guid:
            follower.logs_url = await self._logs_url_for(follower.content_guid)
        return follower.logs_url

    async def _failure(self, follower: TaskFollower, task: Task) -> errors.TaskFailed:
        logs_url = await self.logs_url(follower)
        lines = list(follower.last_lines)
        message = f"The task {task.id} on {self._t.display_url} failed"
        message += f" (exit code {task.code})" if task.code else ""
        message += f": {task.error}" if task.error else "."
        if lines:
            message += "\nLast output:\n" + "\n".join(f"  {line}" for line in lines)
        slug = _ERROR_SLUG.search(task.error) or next(
            (m for m in map(_ERROR_SLUG.search, reversed(lines)) if m), None
        )
        if slug:
            message += f"\nTroubleshooting: {TROUBLESHOOTING}{slug.group(1).lower()}"
        if logs_url:
            message += f"\nSee the content's logs at {logs_url}"
        return errors.TaskFailed(
            self._t.redact(message),
            server_url=self._t.display_url,
            task_id=task.id,
            exit_code=task.code,
            last_lines=lines,
            logs_url=logs_url,
        )


class TaskFollower:
    """The iterator behind `tasks.follow()`.

    A class rather than an async generator: between two `__anext__` calls it holds no open
    request and no pending coroutine, so a consumer that breaks out of the loop, or is
    cancelled mid-poll, leaves nothing behind (an abandoned generator would linger until
    garbage collection).
    """

    def __init__(
        self,
        resource: TasksResource,
        task_id: str,
        *,
        wait: int,
        timeout: float,
        poll_interval: float,
        content_guid: str | None,
        logs_url: str | None,
        tail: int,
        first: int = 0,
    ) -> None:
        self._resource = resource
        self.task_id = task_id
        self.wait = wait
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.content_guid = content_guid
        self.logs_url = logs_url
        self.last_lines: deque[str] = deque(maxlen=tail)
        self.task: Task | None = None  # the last task document seen; final once iteration ends
        self.lines_seen = 0
        self._pending: deque[str] = deque()
        self._next = max(0, first)  # `first` of the next poll: lines already received
        self._finished = False
        self._reported = False
        self._deadline: float | None = None

    @property
    def resume_from(self) -> int:
        """The `first` that continues this log after an interruption (lines already yielded)."""
        return self._next - len(self._pending)

    def __aiter__(self) -> TaskFollower:
        return self

    async def __anext__(self) -> str:
        while not self._pending:
            if self._finished:
                # Every line is out before the failure is raised, so a log shows all of it.
                await self._check_result()
                raise StopAsyncIteration
            await self._poll()
        line = self._pending.popleft()
        self.last_lines.append(line)
        self.lines_seen += 1
        return line

    async def run(self) -> Task:
        """Consume every line; return the final task (TaskFailed raised as by iteration)."""
        async for _ in self:
            pass
        assert self.task is not None
        return self.task

    async def aclose(self) -> None:
        """Stop following; nothing is in flight between polls, so this only marks the end."""
        self._finished = True
        self._reported = True
        self._pending.clear()

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        if self._deadline is None:
            self._deadline = loop.time() + self.timeout
        remaining = self._deadline - loop.time()
        if remaining <= 0:
            raise await self._timeout()
        polled = loop.time()
        try:
            # The deadline covers a poll that hangs too (a stuck proxy, a slow server).
            task = await asyncio.wait_for(
                self._resource.get(
                    self.task_id, first=self._next, wait=min(self.wait, max(0, int(remaining)))
                ),
                remaining,
            )
        except TimeoutError:
            raise await self._timeout() from None
        self.task = task
        # `output` starts at line `last - len(output)`; skip whatever was already yielded, in
        # case a server ignores `first` and sends everything again. Without `last`, trust
        # that the server honoured `first`.
        end = task.last if "last" in task.raw else self._next + len(task.output)
        start = end - len(task.output)
        fresh = task.output[max(0, self._next - start) :]
        self._pending.extend(fresh)
        self._next = max(self._next, end)
        if task.finished:
            self._finished = True
        elif not fresh and loop.time() - polled < self.poll_interval:
            # The server did not hold the request (`wait` ignored or 0): pace the polls.
            await asyncio.sleep(self.poll_interval)

    async def _check_result(self) -> None:
        task = self.task
        if task is not None and task.code != 0 and not self._reported:
            self._reported = True
            raise await self._resource._failure(self, task)

    async def _timeout(self) -> errors.TaskTimeout:
        t = self._resource._t
        logs_url = await self._resource.logs_url(self)
        where = f" Its progress is in the content's logs at {logs_url}." if logs_url else ""
        return errors.TaskTimeout(
            f"The task {self.task_id} on {t.display_url} did not finish within "
            f"{self.timeout:g} s; it goes on running on the server.{where} Set "
            "CONNECT_TASK_TIMEOUT to wait longer.",
            server_url=t.display_url,
            task_id=self.task_id,
            last_lines=list(self.last_lines),
            logs_url=logs_url,
        )
