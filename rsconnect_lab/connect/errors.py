"""Typed failures of the Connect client.

Every error names the server and says what to do about it. The handlers turn `reason` into an
HTTP status and show `message` to the user, so the message must stand on its own and must never
carry the API key (the transport redacts it before an error is built).
"""

from __future__ import annotations

from collections.abc import Sequence


class ConnectError(Exception):
    """Base of every failure the client reports."""

    reason = "connect_error"

    def __init__(
        self,
        message: str,
        *,
        server_url: str,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.server_url = server_url
        # HTTP status and Connect's own error code, when the server answered at all.
        self.status = status
        self.code = code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ServerUnreachable(ConnectError):
    """DNS failure, refused or dropped connection, timeout."""

    reason = "unreachable"


class TLSError(ConnectError):
    """The TLS handshake failed: untrusted certificate, or TLS spoken to a plain-HTTP port."""

    reason = "tls"


class NotConnectServer(ConnectError):
    """Something answered, but not Connect's API: an HTML page, a login proxy, non-JSON."""

    reason = "not_connect"


class InvalidAPIKey(ConnectError):
    """Connect rejected the credentials (code 30, or another 401)."""

    reason = "invalid_api_key"


class PermissionDenied(ConnectError):
    """The key is valid but its user may not do this (code 22 and the other 403 codes)."""

    reason = "permission"


class NotFound(ConnectError):
    """The content, bundle, task or user does not exist (code 4), or the endpoint is missing."""

    reason = "not_found"


class NameConflict(ConnectError):
    """An object with that name (or vanity path) already exists (codes 26, 51)."""

    reason = "name_conflict"


class InvalidField(ConnectError):
    """Connect refused a value: a bad name (5), title (122) or another rejected field."""

    reason = "invalid_field"

    def __init__(
        self,
        message: str,
        *,
        server_url: str,
        status: int | None = None,
        code: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, server_url=server_url, status=status, code=code)
        self.field = field


class AppModeChange(ConnectError):
    """Deployed content cannot change its app mode (code 48)."""

    reason = "app_mode_change"


class TaskFailed(ConnectError):
    """A deploy or build task ended with a non-zero code, or did not end in time."""

    reason = "task_failed"

    def __init__(
        self,
        message: str,
        *,
        server_url: str,
        task_id: str,
        exit_code: int | None = None,
        last_lines: Sequence[str] = (),
        logs_url: str | None = None,
    ) -> None:
        super().__init__(message, server_url=server_url)
        self.task_id = task_id
        self.exit_code = exit_code
        self.last_lines = list(last_lines)
        self.logs_url = logs_url


class TaskTimeout(TaskFailed):
    """The task was still running when the client stopped waiting; it goes on on the server."""


class ServerError(ConnectError):
    """Connect (or a proxy in front of it) failed: 5xx, or an answer the client cannot use."""

    reason = "server_error"


class UnsupportedFeature(ConnectError):
    """The server's Connect version is too old for the requested feature (e.g. draft deploys)."""

    reason = "unsupported"


__all__ = [
    "AppModeChange",
    "ConnectError",
    "InvalidAPIKey",
    "InvalidField",
    "NameConflict",
    "NotConnectServer",
    "NotFound",
    "PermissionDenied",
    "ServerError",
    "ServerUnreachable",
    "TLSError",
    "TaskFailed",
    "TaskTimeout",
    "UnsupportedFeature",
]
