"""Every expected failure, turned into (HTTP status, message, reason) in one place.

Handlers answer with it and publish jobs record it; anything not listed here is a bug and is
reported without its traceback.
"""

from __future__ import annotations

from typing import Any

from .bundle import BundleError
from .connect.errors import ConnectError
from .environment import EnvironmentDetectionError
from .paths import PathError
from .publish_errors import PublishError
from .render import RenderError
from .servers import ServerStoreError

# Connect failure kinds that are the remote side's fault answer 502; the rest are the request's.
_REMOTE_REASONS = {"unreachable", "tls", "not_connect", "server_error", "task_failed"}
_CONNECT_STATUS = {
    "invalid_api_key": 400,
    "permission": 403,
    "not_found": 404,
    "name_conflict": 409,
    "invalid_field": 400,
    "app_mode_change": 409,
}
_BUNDLE_STATUS = {"forbidden_path": 403, "not_found": 404, "conflict": 409}


def describe(error: BaseException) -> tuple[int, dict[str, Any]] | None:
    """(status, body) for an expected failure; None for anything else."""
    if isinstance(error, (ServerStoreError, PathError, PublishError)):
        return error.status, {
            "message": error.message,
            "reason": error.reason,
            **getattr(error, "extra", {}),
        }
    if isinstance(error, ConnectError):
        status = 502 if error.reason in _REMOTE_REASONS else _CONNECT_STATUS.get(error.reason, 400)
        return status, {"message": error.message, "reason": error.reason}
    if isinstance(error, BundleError):
        return _BUNDLE_STATUS.get(error.reason, 400), {
            "message": error.message,
            "reason": error.reason,
        }
    if isinstance(error, RenderError):  # the notebook itself failed to run
        return 422, {"message": error.message, "reason": error.reason}
    if isinstance(error, EnvironmentDetectionError):
        return 422, {"message": error.message, "reason": "environment"}
    return None
