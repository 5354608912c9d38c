from __future__ import annotations

from tornado import web

from ..publish import JobManager
from ..publish_errors import PublishError
from .base import RSConnectLabHandler


class PublishHandler(RSConnectLabHandler):
    @web.authenticated
    async def post(self) -> None:
        jobs: JobManager = self.services["jobs"]
        body = self.json_body()
        server = await self.server(str(body.get("server", "")))
        if body.get("dry_run"):
            self.reply({"target": await jobs.check(body, server)})
            return
        job = await jobs.start(body, server)
        self.reply({"job": job.snapshot(0)}, status=202)


class JobsHandler(RSConnectLabHandler):
    """Running and recent jobs, so the panel can pick a publish up again after a reload."""

    @web.authenticated
    def get(self) -> None:
        jobs: JobManager = self.services["jobs"]
        self.reply({"jobs": [j.snapshot(0) | {"log": []} for j in jobs.list()]})


class JobHandler(RSConnectLabHandler):
    @web.authenticated
    def get(self, job_id: str) -> None:
        try:
            since = max(0, int(self.get_argument("since", "0")))
        except ValueError:
            raise PublishError("'since' must be a whole number.", "invalid_input") from None
        self.reply(self.services["jobs"].get(job_id).snapshot(since))

    @web.authenticated
    async def delete(self, job_id: str) -> None:
        job = await self.services["jobs"].cancel(job_id)
        self.reply(job.snapshot(0), status=202)
