from __future__ import annotations

from tornado import web

from ..publish import JobManager
from .base import RSConnectLabHandler


class EnvironmentHandler(RSConnectLabHandler):
    """What would be published as the notebook's environment (the kernel's, not the server's)."""

    @web.authenticated
    async def post(self) -> None:
        jobs: JobManager = self.services["jobs"]
        body = self.json_body()
        self.reply(await jobs.describe_environment(str(body.get("path", ""))))


class ManifestHandler(RSConnectLabHandler):
    """Write manifest.json (and requirements.txt) beside the file, for git-backed publishing."""

    @web.authenticated
    async def post(self) -> None:
        jobs: JobManager = self.services["jobs"]
        body = self.json_body()
        written = await jobs.write_manifest(body)
        self.reply({"written": written}, status=201)
