"""Check that a server someone wants to save is Connect and that the key works."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from .connect import ConnectClient
from .connect.errors import ServerUnreachable, TLSError
from .connect.urls import url_candidates
from .servers import Server, normalize_url


async def verify_server(
    server: Server, typed_url: str, allowed: Callable[[str], bool] | None = None
) -> Server:
    """The server as it will be saved: its working URL and the key's username and role.

    An address typed without a scheme is tried as https first, then http, keeping the first
    that answers (as ``rsconnect add`` does); anything else fails with the client's error.
    One attempt each and a short timeout: a person is waiting on the form. An address the
    administrator does not allow (``allowed`` says no) is never tried.
    """
    candidates = [normalize_url(u) for u in url_candidates(typed_url)]
    if allowed is not None:
        candidates = [u for u in candidates if allowed(u)] or candidates[:1]
    last: Exception | None = None
    for url in candidates:
        async with ConnectClient(
            url,
            server.api_key,
            insecure=server.insecure,
            ca_cert=server.ca_cert,
            retries=0,
            timeout=20,
        ) as client:
            try:
                user = await client.verify()  # None: a key without a user (service principal)
            except (ServerUnreachable, TLSError) as exc:
                last = exc
                continue
        return dataclasses.replace(
            server,
            url=url,
            username=user.username if user else None,
            user_role=user.user_role if user else None,
        )
    assert last is not None
    raise last
