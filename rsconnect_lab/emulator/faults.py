"""Injected faults for tests: latency, HTTP errors, dropped connections, answers cut off midway,
failing tasks."""

from __future__ import annotations

import fnmatch
import json
import threading
from dataclasses import asdict, dataclass
from typing import Any

TASK_KINDS = ("deploy", "build")


@dataclass
class Fault:
    """`route` is "METHOD /path-glob", "/path-glob" (any method) or a task kind ("deploy")."""

    route: str
    status: int | None = None
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False  # send the headers and half the body, then close the connection
    fail_task: bool = False
    count: int | None = None  # None: until cleared (a fail_task fault: the next task only)

    def __post_init__(self) -> None:
        # ARCHITECTURE.md: set_fault("deploy", fail_task=True) fails *the next* deploy; a
        # lingering one would fail every later test on a shared emulator.
        if self.fail_task and self.count is None:
            self.count = 1

    def matches_request(self, method: str, path: str) -> bool:
        meth, _, pattern = self.route.partition(" ")
        if not pattern:
            meth, pattern = "*", self.route
        if not pattern.startswith("/"):
            return False
        return (meth == "*" or meth.upper() == method.upper()) and fnmatch.fnmatchcase(
            path, pattern
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def parse_fault(spec: str) -> Fault:
    """CLI form: JSON object, or `ROUTE;status=503;delay=1.5;drop;truncate;fail_task;count=2`."""
    spec = spec.strip()
    if spec.startswith("{"):
        return fault_from_json(json.loads(spec))
    route, *opts = (p.strip() for p in spec.split(";"))
    data: dict[str, Any] = {"route": route}
    for opt in opts:
        key, eq, value = opt.partition("=")
        data[key] = value if eq else True
    return fault_from_json(data)


def fault_from_json(data: Any) -> Fault:
    if not isinstance(data, dict) or not isinstance(data.get("route"), str) or not data["route"]:
        raise ValueError("a fault needs a non-empty string 'route'")
    unknown = set(data) - {"route", "status", "delay", "drop", "truncate", "fail_task", "count"}
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")

    def flag(v: Any) -> bool:
        return v in (True, 1, "1", "true", "True", "yes")

    status = data.get("status")
    count = data.get("count")
    return Fault(
        route=data["route"],
        status=int(status) if status not in (None, "") else None,
        delay=float(data.get("delay") or 0.0),
        drop=flag(data.get("drop", False)),
        truncate=flag(data.get("truncate", False)),
        fail_task=flag(data.get("fail_task", False)),
        count=int(count) if count not in (None, "") else None,
    )


class Faults:
    """The active faults; shared by the HTTP middleware and the task runner (thread-safe)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def _take(self, fault: Fault) -> None:
        if fault.count is not None:
            fault.count -= 1
            if fault.count <= 0:
                self._faults.remove(fault)

    def for_request(self, method: str, path: str) -> Fault | None:
        """The first request fault (status/delay/drop/truncate) matching, consuming one use."""
        with self._lock:
            for f in self._faults:
                if (f.status or f.delay or f.drop or f.truncate) and f.matches_request(
                    method, path
                ):
                    self._take(f)
                    return f
        return None

    def task_should_fail(self, kind: str, request_path: str) -> bool:
        """A `fail_task` fault for this task kind, or for the request that started it."""
        with self._lock:
            for f in self._faults:
                if not f.fail_task:
                    continue
                if f.route == kind or f.matches_request("POST", request_path):
                    self._take(f)
                    return True
        return False
