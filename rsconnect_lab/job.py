"""One publish job's observable state: its steps, its log, its outcome."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from .plan import PublishPlan
from .servers import Server

JobState = Literal["queued", "running", "succeeded", "failed", "cancelled"]
StepState = Literal["pending", "running", "done", "failed", "skipped", "cancelled"]

# Terminal colours from nbconvert, pip and friends: useless in a browser, unreadable as text.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


@dataclass
class Step:
    id: str
    label: str
    state: StepState = "pending"
    detail: str = ""
    progress: float | None = None

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "state": self.state,
            "detail": self.detail,
            "progress": self.progress,
        }


STEP_LABELS = (
    ("environment", "Inspect the environment"),
    ("bundle", "Build the bundle"),
    ("content", "Find or create the content"),
    ("upload", "Upload the bundle"),
    ("deploy", "Deploy"),
    ("verify", "Check that the content answers"),
    ("activate", "Make it live"),
)
# What a step was doing, for "Failed while …" lines.
STEP_DOING = {
    "environment": "inspecting the environment",
    "bundle": "building the bundle",
    "content": "finding or creating the content",
    "upload": "uploading the bundle",
    "deploy": "deploying",
    "verify": "checking that the content answers",
    "activate": "making it live",
}
# The steps after which Connect has a deploy task whose log is worth opening.
STEPS_WITH_TASK_LOG = frozenset({"deploy", "verify", "activate"})


@dataclass
class PublishJob:
    plan: PublishPlan
    server: Server
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    state: JobState = "queued"
    steps: list[Step] = field(default_factory=lambda: [Step(i, label) for i, label in STEP_LABELS])
    log: list[str] = field(default_factory=list)
    content_guid: str | None = None
    content_url: str | None = None
    dashboard_url: str | None = None
    error: dict[str, Any] | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    # False once the new version is being made live: stopping then would not stop Connect.
    cancellable: bool = True
    created_content: bool = False  # this job made the content item (cleaned up on failure)
    # The first deploy task Connect started: from then on the content has a task log to keep.
    deploy_task: str | None = None
    draft: bool | None = None  # deploying as a draft (server ≥ 2025.06); None: not known yet

    @property
    def done(self) -> bool:
        return self.state in ("succeeded", "failed", "cancelled")

    @property
    def current_step(self) -> Step | None:
        return next((s for s in self.steps if s.state == "running"), None)

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def say(self, line: str) -> None:
        self.log.append(strip_ansi(line))

    def snapshot(self, since: int = 0) -> dict[str, Any]:
        current = self.current_step
        return {
            "id": self.id,
            "path": self.plan.rel_path,
            "server": self.server.name,
            "mode": self.plan.mode,
            "app_mode": self.plan.app_mode,
            "title": self.plan.title,
            "state": self.state,
            "step": current.id if current else None,
            "steps": [s.public() for s in self.steps],
            "log": self.log[since:],
            "log_length": len(self.log),
            "content_guid": self.content_guid,
            "content_url": self.content_url,
            "dashboard_url": self.dashboard_url,
            "error": self.error,
            "cancellable": self.cancellable and not self.done,
            "created": self.created,
            "finished": self.finished,
        }
