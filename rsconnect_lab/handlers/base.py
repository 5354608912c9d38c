"""The HTTP layer's one base class: JSON in and out, and every domain error mapped to a status."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado.web import HTTPError

from ..errors import describe
from ..servers import Server, ServerStore, ServerStoreError


class RSConnectLabHandler(APIHandler):
    @property
    def services(self) -> dict[str, Any]:
        return self.settings["rsconnect_lab"]  # type: ignore[no-any-return]

    @property
    def server_store(self) -> ServerStore:
        return self.services["servers"]  # type: ignore[no-any-return]

    async def server(self, name: str) -> Server:
        """A configured server to talk to, by name (the stores are files: read off the event
        loop); one the administrator's policy rules out is refused with 403."""
        return await asyncio.to_thread(self.server_store.usable, name)

    def json_body(self) -> dict[str, Any]:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise ServerStoreError("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ServerStoreError("The request body must be a JSON object.")
        return body

    def reply(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(data))

    def fail(self, status: int, message: str, reason: str, **extra: Any) -> None:
        self.set_status(status)
        self.finish(json.dumps({"message": message, "reason": reason, **extra}))

    @staticmethod
    def _domain_error(e: BaseException | None) -> tuple[int, dict[str, Any]] | None:
        return describe(e) if e is not None else None

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # Expected failures are answers, not server bugs: one line, no traceback.
        if self._domain_error(value) is not None:
            self.log.info("rsconnect_lab: %s %s: %s", self.request.method, self.request.path, value)
        else:
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        known = self._domain_error(error)
        if known is not None:
            status, body = known
        elif error is not None and not isinstance(error, HTTPError):
            # A bug of ours: the details go to the server log, never to the browser.
            status = 500
            body = {
                "message": "rsconnect_lab hit an internal error; see the Jupyter server log.",
                "reason": "internal",
            }
        else:
            super().write_error(status_code, **kwargs)
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))
