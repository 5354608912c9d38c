"""Connect's error shape: `{"code", "error", "payload"}` with Connect's numeric codes."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

# code -> (HTTP status, message); texts follow Connect's API reference.
CODES: dict[int, tuple[int, str]] = {
    1: (500, "An internal failure occurred."),
    2: (404, "The requested method or endpoint is not supported."),
    3: (400, "The requested object ID is invalid."),
    4: (404, "The requested object does not exist."),
    5: (
        400,
        "The requested name is invalid. Names must be 3 to 64 alphanumeric characters, "
        "dashes, or underscores.",
    ),
    10: (403, "The requested object doesn't belong to you."),
    12: (400, "A required parameter is missing."),
    17: (404, "The item to remove does not exist."),
    19: (403, "You don't have permission to access this item."),
    22: (403, "You don't have permission to perform this operation."),
    24: (401, "This operation requires authentication."),
    25: (400, "The parameter is invalid."),
    26: (409, "An object with that name already exists."),
    28: (404, "There is no application bundle to deploy."),
    30: (
        401,
        "We couldn't log you in with the provided credentials. "
        "Please ask your Posit Connect administrator for assistance.",
    ),
    38: (400, "The application manifest is invalid or missing."),
    48: (
        403,
        "You cannot change the type of application once deployed. "
        "Try deploying this as a new application instead of updating an existing one.",
    ),
    50: (403, "This user is locked."),
    51: (409, "The provided vanity path conflicts with an existing vanity path."),
    52: (400, "The provided vanity path is not permitted."),
    53: (400, "This field is immutable and cannot be changed."),
    75: (400, "You may not delete the active bundle."),
    82: (400, "The bundle must belong to the target application."),
    87: (400, "The request body cannot be parsed."),
    104: (400, "The content checksum header and body MD5 sum are not equal."),
    108: (409, "The environment change contains a prohibited variable."),
    117: (400, "The access type is not known."),
    121: (400, "The request JSON is invalid."),
    122: (400, "The application title must be between 3 and 1024 characters."),
    123: (400, "The application description must be 4096 characters or less."),
    125: (400, "The request Content-Length must be greater than zero."),
    126: (400, "The request Content-Length does not match the number of bytes received."),
    135: (400, "Unable to extract the bundle."),
    148: (400, "The app mode is not valid."),
    149: (409, "The environment change contains a duplicated variable."),
}


class ApiError(Exception):
    """A failed API call; the error middleware turns it into Connect's JSON body."""

    def __init__(self, code: int, message: str | None = None, payload: Any = None) -> None:
        status, default = CODES.get(code, (400, "The request failed."))
        super().__init__(message or default)
        self.code = code
        self.status = status
        self.message = message or default
        self.payload = payload

    def response(self) -> web.Response:
        return error_response(self.code, self.message, self.status, self.payload)


def error_response(code: int, message: str, status: int, payload: Any = None) -> web.Response:
    return web.json_response({"code": code, "error": message, "payload": payload}, status=status)


async def read_json(request: web.Request) -> Any:
    """The request's JSON body (empty body: None); code 87 when it does not parse."""
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(87) from exc


async def read_object(request: web.Request) -> dict[str, Any]:
    """A JSON object body; code 121 for any other JSON value."""
    data = await read_json(request)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ApiError(121)
    return data
