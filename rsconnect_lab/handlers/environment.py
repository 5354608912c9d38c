from __future__ import annotations

from tornado import web

from ..inspection import describe, file_facts, with_defaults, write_manifest_beside
from ..plan import make_plan
from .base import RSConnectLabHandler


class EnvironmentHandler(RSConnectLabHandler):
    """The environment (the kernel's, not the server's), pre-flight warnings and bundle preview.

    ``GET ?path=``: what is known of the file at once (the app mode its imports suggest), for
    the form's defaults. ``POST {path, mode?, app_mode?, extra_files?, entrypoint?, server?}``:
    the full inspection; with ``server`` the Python versions that server offers are checked too.
    """

    @web.authenticated
    async def get(self) -> None:
        self.reply(await file_facts(self.services["root_dir"], self.get_argument("path", "")))

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        root_dir = self.services["root_dir"]
        plan = await make_plan(root_dir, await with_defaults(root_dir, body))
        client = None
        if body.get("server"):
            server = await self.server(str(body["server"]))
            client = await self.services["clients"].get(server)
        self.reply(await describe(plan, self.services["serverapp"], client))


class ManifestHandler(RSConnectLabHandler):
    """Write manifest.json (and requirements.txt when missing) beside the file, for git-backed
    publishing; an existing manifest is replaced only with ``overwrite: true``. An app without
    an ``app_mode`` gets the one its imports suggest."""

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        root_dir = self.services["root_dir"]
        plan = await make_plan(root_dir, await with_defaults(root_dir, body))
        result = await write_manifest_beside(
            plan, self.services["serverapp"], overwrite=bool(body.get("overwrite"))
        )
        self.reply(result, status=201 if result["created"] else 200)
