"""The publish service's own refusal (bad request, clash, mode change, busy file)."""

from __future__ import annotations

from typing import Any


class PublishError(Exception):
    def __init__(self, message: str, reason: str, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.status = status
        self.extra = extra
