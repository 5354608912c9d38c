from __future__ import annotations

from tornado import web

from ..inspection import describe, write_manifest_beside
from .base import RSConnectLabHandler


class EnvironmentHandler(RSConnectLabHandler):
    """The environment (the kernel's, not the server's), pre-flight warnings and bundle preview.

    Body: ``{path, mode?, app_mode?, extra_files?, entrypoint?, server?}``; with ``server`` the
    Python versions that server offers are checked too.
    """

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        if not body.get("mode"):
            body["mode"] = "app" if str(body.get("path", "")).endswith(".py") else "source"
        plan = await self.services["jobs"].plan(body)
        client = None
        if body.get("server"):
            server = self.services["servers"].get(str(body["server"]))
            client = await self.services["clients"].get(server)
        self.reply(await describe(plan, self.services["serverapp"], client))


class ManifestHandler(RSConnectLabHandler):
    """Write manifest.json (and requirements.txt when missing) beside the file, for git-backed
    publishing; an existing manifest is replaced only with ``overwrite: true``."""

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        if not body.get("mode"):
            body["mode"] = "app" if str(body.get("path", "")).endswith(".py") else "source"
        plan = await self.services["jobs"].plan(body)
        result = await write_manifest_beside(
            plan, self.services["serverapp"], overwrite=bool(body.get("overwrite"))
        )
        self.reply(result, status=201 if result["created"] else 200)
