from __future__ import annotations

from tornado import web

from .base import RSConnectLabHandler


class VersionHandler(RSConnectLabHandler):
    """The front end calls this at start so a missing or mismatched server side is named clearly."""

    @web.authenticated
    def get(self) -> None:
        self.reply({"version": self.services["version"]})
