"""A publish job: validate, find the environment, bundle, find or create content, upload,
deploy, follow the task log, check the content answers, record.

Each step reports its own state; the job's log collects every line as it arrives. A failure
names the step and the cause, keeps the task log, and writes no record. The notebook is only
ever read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from .connect import ConnectClient
from .environment import Interpreter, server_python_warning
from .errors import describe
from .job import STEP_DOING, STEPS_WITH_TASK_LOG, PublishJob, Step, strip_ansi
from .packaging import build_bundle, inspect_environment, resolve_interpreter
from .paths import relative_to_root
from .plan import make_plan
from .publish_errors import PublishError
from .records import Deployment, RecordStore
from .servers import Server, refuse_blocked
from .targets import choose_target

log = logging.getLogger(__name__)


KEEP_FINISHED_JOBS = 50


class JobManager:
    def __init__(
        self,
        *,
        root_dir: Path,
        clients: Any,
        records: RecordStore,
        serverapp: Any = None,
        log: logging.Logger | logging.LoggerAdapter[Any] | None = None,
    ) -> None:
        self.root_dir = Path(root_dir).resolve()
        self.clients = clients
        self.records = records
        self.serverapp = serverapp
        self.log = log or logging.getLogger(__name__)
        self.jobs: dict[str, PublishJob] = {}
        self._by_path: dict[str, PublishJob] = {}
        self._starting: set[str] = set()  # files whose start is choosing its target

    # -- requests ----------------------------------------------------------------

    async def check(self, body: Mapping[str, Any], server: Server) -> dict[str, Any]:
        """Everything ``start`` settles before building (path, clash, mode change), nothing run:
        the form asks this before its "update existing content?" confirmation."""
        refuse_blocked(server)
        plan = await make_plan(self.root_dir, body)
        client = await self.clients.get(server)
        await choose_target(plan, server, client, self.records)
        return {
            "path": plan.rel_path,
            "app_mode": plan.app_mode,
            "title": plan.title,
            "content_guid": plan.content_guid,
            "new": plan.content_guid is None,
        }

    def list(self) -> list[PublishJob]:
        """Jobs still running, then the finished ones newest first (the panel resumes these)."""
        return sorted(self.jobs.values(), key=lambda j: (j.done, -j.created))

    async def start(self, body: Mapping[str, Any], server: Server) -> PublishJob:
        refuse_blocked(server)
        plan = await make_plan(self.root_dir, body)
        path = plan.rel_path
        running = self._by_path.get(path)
        if running and not running.done:
            raise PublishError(
                f"'{path}' is already being published (job {running.id}).",
                "conflict",
                409,
                job=running.id,
            )
        if path in self._starting:
            raise PublishError(f"'{path}' is already being published.", "conflict", 409)
        # Reserved before the first await (choosing the target asks Connect), so a second
        # start of the same file meanwhile is refused rather than run alongside.
        self._starting.add(path)
        try:
            client = await self.clients.get(server)
            await choose_target(plan, server, client, self.records)
            job = PublishJob(plan=plan, server=server)
            self.jobs[job.id] = job
            self._by_path[path] = job
            job.task = asyncio.create_task(
                self._run(job, client), name=f"rsconnect-lab-publish-{job.id}"
            )
        finally:
            self._starting.discard(path)
        self._forget_old_jobs()
        return job

    def get(self, job_id: str) -> PublishJob:
        job = self.jobs.get(job_id)
        if job is None:
            raise PublishError(f"No publish job '{job_id}'.", "not_found", 404)
        return job

    async def cancel(self, job_id: str) -> PublishJob:
        job = self.get(job_id)
        if not job.done and not job.cancellable:
            raise PublishError(
                "The new version is already being made live on Connect; it can no longer be stopped.",
                "not_cancellable",
                409,
            )
        if job.task and not job.task.done():
            job.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job.task
        return job

    async def shutdown(self) -> None:
        tasks = [j.task for j in self.jobs.values() if j.task and not j.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _forget_old_jobs(self) -> None:
        finished = sorted((j for j in self.jobs.values() if j.done), key=lambda j: j.created)
        for job in finished[: max(0, len(finished) - KEEP_FINISHED_JOBS)]:
            self.jobs.pop(job.id, None)
            if self._by_path.get(job.plan.rel_path) is job:
                self._by_path.pop(job.plan.rel_path, None)

    # -- choosing the target before anything is built --------------------------------

    async def _step(
        self, job: PublishJob, step_id: str, work: Callable[[Step], Awaitable[Any]]
    ) -> Any:
        step = job.step(step_id)
        step.state = "running"
        try:
            result = await work(step)
        except asyncio.CancelledError:
            step.state = "cancelled"
            raise
        except Exception:
            step.state = "failed"
            raise
        step.state = "done"
        return result

    async def _run(self, job: PublishJob, client: ConnectClient) -> None:
        plan = job.plan
        job.state = "running"
        job.say(
            f"Publishing {plan.rel_path} to {job.server.name} ({job.server.url}) as {plan.app_mode}"
        )
        bundle_path: Path | None = None
        try:
            interpreter = await resolve_interpreter(plan, self.serverapp)
            env = await self._step(
                job, "environment", lambda s: self._environment(job, s, interpreter)
            )
            bundle = await self._step(
                job, "bundle", lambda s: self._bundle(job, s, env, interpreter)
            )
            bundle_path = bundle.path
            content = await self._step(job, "content", lambda s: self._content(job, s, client))
            bundle_id = await self._step(
                job, "upload", lambda s: self._upload(job, s, client, bundle.path)
            )
            # Where the server allows it, build a draft first: a cancel or a failure before
            # activation leaves the live version as it was (rsconnect-python does the same).
            draft = job.draft = await client.supports("draft_deploy")
            await self._step(
                job, "deploy", lambda s: self._deploy(job, s, client, bundle_id, draft=draft)
            )
            await self._step(
                job, "verify", lambda s: self._verify(job, s, client, bundle_id, draft=draft)
            )
            if draft:
                job.cancellable = False
                await self._step(
                    job, "activate", lambda s: self._activate(job, s, client, bundle_id)
                )
            else:
                activate = job.step("activate")
                activate.state = "skipped"
                activate.detail = "live with the deploy (Connect before 2025.06 has no drafts)"
            await asyncio.to_thread(
                self.records.save,
                plan.path,
                self._record(job, content, bundle_id),
                job.server.rsconnect_url,
            )
            job.state = "succeeded"
            job.say(f"Published: {job.content_url}")
        except asyncio.CancelledError:
            job.state = "cancelled"
            step = self._failed_step(job)
            message = "The publish was cancelled; the live content is unchanged."
            if step == "deploy" and job.draft is False:
                message = (
                    "The publish was cancelled, but Connect may still finish the deploy it had "
                    "started (this server has no drafts); check the content."
                )
            job.say(f"Cancelled. {message.split('; ', 1)[-1].capitalize()}")
            job.error = {"message": message, "reason": "cancelled", "step": step}
            if job.deploy_task and job.dashboard_url:
                job.error["logs_url"] = _logs_url(job.dashboard_url)
            for s in job.steps:
                if s.state == "pending":
                    s.state = "cancelled"
            await self._clean_up(job, client)
        except Exception as exc:
            known = describe(exc)
            if known is None:  # a bug of ours; the job must still end with a readable cause
                self.log.exception("rsconnect_lab: publish job %s failed", job.id)
                self._fail(job, f"Unexpected error: {type(exc).__name__}: {exc}", "internal")
            else:
                self._fail(
                    job,
                    strip_ansi(known[1]["message"]),
                    known[1]["reason"],
                    extra=_task_details(exc),
                )
            await self._clean_up(job, client)
        finally:
            job.finished = time.time()
            if bundle_path is not None:
                await asyncio.to_thread(bundle_path.unlink, True)

    def _record(self, job: PublishJob, content: Any, bundle_id: str) -> Deployment:
        plan = job.plan
        return Deployment(
            server_url=job.server.url,
            server_name=job.server.name,
            content_guid=content.guid,
            content_id=content.id,
            content_url=content.content_url or "",
            dashboard_url=content.dashboard_url or "",
            title=plan.title,
            app_mode=plan.app_mode,
            mode=plan.mode,
            bundle_id=bundle_id,
            hide_input=plan.hide_input,
            entrypoint=plan.entrypoint,
            extra_files=[relative_to_root(self.root_dir, p) for p in plan.extra_files],
        )

    async def _clean_up(self, job: PublishJob, client: ConnectClient) -> None:
        """A content item this job created goes again when the job ended before any deploy
        task: nothing half-made stays behind to clash with the next try. Once Connect ran a
        deploy task the item stays, so its task log (``logs_url``) can still be opened."""
        if not (job.created_content and job.content_guid and job.cancellable):
            return
        if job.deploy_task:
            logs_url = (job.error or {}).get("logs_url")
            where = f" ({logs_url})" if logs_url else ""
            job.say(
                f"Kept the new content item {job.content_guid}: Connect has its deploy log{where}. "
                "Publish again to update it, or delete it from Connect."
            )
            return
        try:
            await asyncio.shield(client.content.delete(job.content_guid))
        except Exception as exc:  # the failure being reported matters more than this one
            job.say(f"Could not remove the unpublished content item {job.content_guid}: {exc}")
            return
        job.say(f"Removed the new content item {job.content_guid}: it was never published.")
        job.content_guid = job.content_url = job.dashboard_url = None
        if job.error:
            job.error.pop("logs_url", None)

    @staticmethod
    def _failed_step(job: PublishJob) -> str | None:
        return next(
            (s.id for s in job.steps if s.state in ("failed", "cancelled", "running")), None
        )

    def _fail(
        self, job: PublishJob, message: str, reason: str, extra: dict[str, Any] | None = None
    ) -> None:
        step = self._failed_step(job)
        job.state = "failed"
        job.error = {"message": message, "reason": reason, "step": step, **(extra or {})}
        if job.dashboard_url and "logs_url" not in job.error and step in STEPS_WITH_TASK_LOG:
            job.error["logs_url"] = _logs_url(job.dashboard_url)
        doing = STEP_DOING.get(step or "")
        job.say(f"Failed while {doing}: {message}" if doing else f"Failed: {message}")
        for s in job.steps:
            if s.state == "pending":
                s.state = "skipped"

    async def _environment(
        self, job: PublishJob, step: Step, interpreter: Interpreter | None
    ) -> Any:
        env = await inspect_environment(job.plan, interpreter)
        if env is None:
            step.detail = "not needed for an HTML snapshot"
            job.say("HTML snapshot: the environment is not bundled")
            return None
        step.detail = f"Python {env.python_version}, {len(env.packages)} packages from {env.source}"
        job.say(
            f"Python {env.python_version} ({env.python}); packages from {env.source}: {len(env.packages)}"
        )
        if interpreter is None or interpreter.source == "server":
            # The same warning the preview shows: the log of a publish says it too.
            stand_in = server_python_warning(
                job.plan.path.name, interpreter.kernel_name if interpreter else None, env.source
            )
            if stand_in:
                job.say(f"Warning: {stand_in}")
        for warning in env.warnings:
            job.say(f"Warning: {warning}")
        return env

    async def _bundle(
        self, job: PublishJob, step: Step, env: Any, interpreter: Interpreter | None
    ) -> Any:
        if job.plan.mode == "static":
            job.say("Rendering the notebook to HTML (running it)…")
        bundle = await build_bundle(job.plan, env, interpreter)
        members = [f for f in bundle.files if f != "manifest.json"]
        count = f"{len(members)} file{'s' if len(members) != 1 else ''}"
        step.detail = f"{count} and manifest.json, {_size(bundle.size)} compressed"
        job.say(f"Bundle: {_size(bundle.size)} ({', '.join(members)})")
        return bundle

    async def _content(self, job: PublishJob, step: Step, client: ConnectClient) -> Any:
        plan = job.plan
        if plan.content_guid:
            content = await client.content.get(plan.content_guid)
            if content.title != plan.title:
                content = await client.content.update(content.guid, title=plan.title)
            step.detail = f"updating '{content.title}'"
            job.say(f"Updating existing content {content.guid}")
        else:
            name = await client.content.unique_name(plan.title)
            content = await client.content.create(name=name, title=plan.title)
            job.created_content = True
            step.detail = f"created '{name}'"
            job.say(f"Created content {content.guid} named '{name}'")
        job.content_guid = content.guid
        job.content_url = content.content_url
        job.dashboard_url = content.dashboard_url
        if plan.env_vars:
            await client.content_env.update(content.guid, plan.env_vars)
            job.say(f"Set environment variables: {', '.join(sorted(plan.env_vars))}")
        return content

    async def _upload(self, job: PublishJob, step: Step, client: ConnectClient, path: Path) -> str:
        def progress(sent: int, total: int) -> None:
            step.progress = round(100 * sent / total, 1) if total else 100.0
            step.detail = f"{step.progress:.0f}% of {_size(total)}"

        step.progress = 0.0
        bundle = await client.bundles.upload(job.content_guid or "", path, progress=progress)
        step.progress = 100.0
        job.say(f"Uploaded bundle {bundle.id}")
        return str(bundle.id)

    async def _follow(
        self, job: PublishJob, step: Step, client: ConnectClient, task_id: str
    ) -> None:
        step.detail = f"task {task_id}"
        logs_url = _logs_url(job.dashboard_url) if job.dashboard_url else None
        async for line in client.tasks.follow(
            task_id, content_guid=job.content_guid, logs_url=logs_url
        ):
            job.say(line)

    async def _deploy(
        self, job: PublishJob, step: Step, client: ConnectClient, bundle_id: str, *, draft: bool
    ) -> None:
        task_id = await client.deploy(job.content_guid or "", bundle_id, activate=not draft)
        job.deploy_task = task_id
        await self._follow(job, step, client, task_id)

    async def _verify(
        self, job: PublishJob, step: Step, client: ConnectClient, bundle_id: str, *, draft: bool
    ) -> None:
        guid = job.content_guid or ""
        url = (
            client.draft_url(guid, bundle_id)
            if draft
            else (job.content_url or client.content_url(guid))
        )
        status = await client.probe(url)
        step.detail = f"{'draft ' if draft else ''}HTTP {status}"
        if status >= 500:
            raise PublishError(
                f"The content was built but answers HTTP {status}, so it was not made live; "
                "see its logs.",
                "content_error",
                502,
            )

    async def _activate(
        self, job: PublishJob, step: Step, client: ConnectClient, bundle_id: str
    ) -> None:
        task_id = await client.deploy(job.content_guid or "", bundle_id, activate=True)
        await self._follow(job, step, client, task_id)


def _task_details(exc: Exception) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if lines := getattr(exc, "last_lines", None):
        details["last_lines"] = [strip_ansi(line) for line in lines]
    for attr in ("logs_url", "task_id"):
        if value := getattr(exc, attr, None):
            details[attr] = value
    return details


def _logs_url(dashboard_url: str) -> str:
    return f"{dashboard_url.rstrip('/')}/logs"


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"
