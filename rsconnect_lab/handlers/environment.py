from __future__ import annotations

from typing import Any

from tornado import web

from ..inspection import describe, write_manifest_beside
from ..plan import make_plan
from .base import RSConnectLabHandler


def with_default_mode(body: dict[str, Any]) -> dict[str, Any]:
    """An app's .py is an app; anything else is a notebook published with its source."""
    if body.get("mode"):
        return body
    return {**body, "mode": "app" if str(body.get("path", "")).endswith(".py") else "source"}


class EnvironmentHandler(RSConnectLabHandler):
    """The environment (the kernel's, not the server's), pre-flight warnings and bundle preview.

    Body: ``{path, mode?, app_mode?, extra_files?, entrypoint?, server?}``; with ``server`` the
    Python versions that server offers are checked too.
    """

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        plan = await make_plan(self.services["root_dir"], with_default_mode(body))
        client = None
        if body.get("server"):
            server = await self.server(str(body["server"]))
            client = await self.services["clients"].get(server)
        self.reply(await describe(plan, self.services["serverapp"], client))


class ManifestHandler(RSConnectLabHandler):
    """Write manifest.json (and requirements.txt when missing) beside the file, for git-backed
    publishing; an existing manifest is replaced only with ``overwrite: true``."""

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        plan = await make_plan(self.services["root_dir"], with_default_mode(body))
        result = await write_manifest_beside(
            plan, self.services["serverapp"], overwrite=bool(body.get("overwrite"))
        )
        self.reply(result, status=201 if result["created"] else 200)
