"""`ConnectClient`: one Posit Connect server, one aiohttp session, every resource hung off it."""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

from . import errors
from .bundles import BundlesResource
from .content import ContentResource
from .content_env import ContentEnvResource
from .groups import GroupsResource
from .models import PythonSettings, ServerSettings, User
from .permissions import PermissionsResource
from .tasks import TasksResource
from .thumbnails import ThumbnailsResource
from .tls import make_ssl_context
from .transport import DEFAULT_TIMEOUT, Transport, env_float
from .urls import normalize_server_url, segment
from .usage import UsageResource
from .users import UsersResource
from .vanity import VanityResource
from .versions import FEATURES, supports

_TRUE = frozenset({"1", "true", "yes", "on"})


class ConnectClient:
    """An async client for one Connect server.

    ```python
    async with ConnectClient("https://connect.example.com", api_key) as connect:
        me = await connect.me()
    ```

    The session is made on first use and lives until `close()` (or the end of `async with`),
    so cookies (sticky sessions) and pooled connections last for the client's life.
    """

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        insecure: bool = False,
        ca_cert: str | os.PathLike[str] | None = None,
        timeout: float | None = None,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        root = normalize_server_url(url)
        self._transport = Transport(
            root,
            api_key,
            ssl_context=make_ssl_context(server_url=root, ca_cert=ca_cert, insecure=insecure),
            timeout=timeout
            if timeout is not None
            else env_float("CONNECT_REQUEST_TIMEOUT", DEFAULT_TIMEOUT),
            retries=retries,
            backoff=backoff,
            insecure=insecure,
        )
        self._settings: ServerSettings | None = None
        t = self._transport
        self.content = ContentResource(t)
        self.bundles = BundlesResource(t)
        self.tasks = TasksResource(t, logs_url_for=self._logs_url_for)
        self.content_env = ContentEnvResource(t)
        self.permissions = PermissionsResource(t)
        self.vanity = VanityResource(t)
        self.thumbnails = ThumbnailsResource(t, supports=self.supports)
        self.users = UsersResource(t)
        self.groups = GroupsResource(t)
        self.usage = UsageResource(t)

    @classmethod
    def from_env(cls, **overrides: Any) -> ConnectClient:
        """A client from CONNECT_SERVER, CONNECT_API_KEY, CONNECT_INSECURE, CONNECT_CA_CERTIFICATE.

        Keyword arguments override the environment (e.g. `from_env(timeout=30)`).
        """
        url = overrides.pop("url", None) or os.environ.get("CONNECT_SERVER", "").strip()
        if not url:
            raise errors.InvalidField(
                "CONNECT_SERVER is not set: set it to the Connect server's address (and "
                "CONNECT_API_KEY to an API key), or pass the address to ConnectClient().",
                server_url="",
                field="url",
            )
        api_key = overrides.pop("api_key", None) or os.environ.get("CONNECT_API_KEY") or None
        insecure = overrides.pop(
            "insecure", os.environ.get("CONNECT_INSECURE", "").strip().lower() in _TRUE
        )
        ca_cert = overrides.pop("ca_cert", None) or os.environ.get("CONNECT_CA_CERTIFICATE") or None
        return cls(url, api_key, insecure=insecure, ca_cert=ca_cert, **overrides)

    def __repr__(self) -> str:
        flag = ", insecure=True" if self._transport.insecure else ""
        return f"ConnectClient({self._transport.display_url!r}{flag})"

    @property
    def server_url(self) -> str:
        """The server root as the client uses it: no `/__api__`, no trailing slash."""
        return self._transport.display_url

    @property
    def closed(self) -> bool:
        return self._transport.closed

    async def close(self) -> None:
        await self._transport.close()

    async def __aenter__(self) -> ConnectClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- the server and the caller ----------------------------------------------------------

    async def server_settings(self) -> ServerSettings:
        """`GET /__api__/server_settings`: the test of "is this Connect?" (as rsconnect-python).

        A JSON object without an `error` counts as Connect; anything else raises
        NotConnectServer. The version is cached for feature gates.
        """
        t = self._transport
        try:
            data = await t.request("GET", "server_settings", what="reading the server settings")
        except errors.NotFound:
            t.error(
                errors.NotConnectServer,
                f"{t.display_url} has no Connect API (GET /__api__/server_settings was not "
                "found). Check that the URL is the Connect server's root address.",
            )
        if not isinstance(data, dict) or data.get("error"):
            t.error(
                errors.NotConnectServer,
                f"{t.display_url} answered /__api__/server_settings with something other than "
                "Connect's settings, so it could not be verified as Posit Connect. Check the URL.",
            )
        self._settings = self._transport.parse(ServerSettings, data)
        return self._settings

    async def server_version(self) -> str | None:
        """Connect's version (cached); None when the administrator hides it."""
        if self._settings is None:
            await self.server_settings()
        assert self._settings is not None
        return self._settings.version or None

    async def supports(self, feature: str) -> bool:
        """Whether the server's version has `feature` (see versions.FEATURES)."""
        return supports(await self.server_version(), feature)

    async def python_settings(self) -> PythonSettings:
        data = await self._transport.request(
            "GET", "v1/server_settings/python", what="reading the server's Python settings"
        )
        return self._transport.parse(PythonSettings, data)

    async def me(self) -> User:
        """The user that owns the API key (`GET /__api__/v1/user`)."""
        data = await self._transport.request("GET", "v1/user", what="reading the current user")
        return self._transport.parse(User, data)

    async def verify(self) -> User | None:
        """Check the server is Connect and the key is valid; the key's user, if it has one.

        A key without a user behind it (a service principal: 403 with code 22) is valid, as
        rsconnect-python decides, and gives None.
        """
        await self.server_settings()
        try:
            return await self.me()
        except errors.PermissionDenied as exc:
            if exc.code == 22:
                return None
            raise

    # -- deploying ------------------------------------------------------------------------

    async def deploy(
        self, guid: str, bundle_id: str | None = None, *, activate: bool = True
    ) -> str:
        """Start deploying a bundle (None: the newest); returns the task id to follow.

        `activate=False` is a draft deploy (built, previewable at `draft_url`, not live),
        which needs Connect 2025.06.0 or newer; older servers raise UnsupportedFeature rather
        than receive a field they would reject.
        """
        body: dict[str, Any] = {"bundle_id": bundle_id}
        if not activate:
            if not await self.supports("draft_deploy"):
                version = await self.server_version()
                self._transport.error(
                    errors.UnsupportedFeature,
                    f"{self.server_url} runs Connect {version}; draft deploys need "
                    f"{FEATURES['draft_deploy']} or newer. Deploy and activate directly instead.",
                )
            body["activate"] = False
        return await self._start_task("deploy", guid, body)

    async def build(self, guid: str, bundle_id: str | None = None) -> str:
        """Build a bundle without necessarily activating it; returns the task id."""
        return await self._start_task("build", guid, {"bundle_id": bundle_id})

    async def _start_task(self, action: str, guid: str, body: dict[str, Any]) -> str:
        t = self._transport
        data = await t.request(
            "POST",
            f"v1/content/{segment(guid)}/{action}",
            json=body,
            what=f"{'deploying' if action == 'deploy' else 'building'} content {guid}",
        )
        if not isinstance(data, dict) or not data.get("task_id"):
            t.error(errors.ServerError, f"{self.server_url} started no task for the {action}.")
        task_id = str(data["task_id"])
        self.tasks.remember(task_id, guid)
        return task_id

    def content_url(self, guid: str) -> str:
        return self._transport.url(f"content/{segment(guid)}/")

    def draft_url(self, guid: str, bundle_id: str) -> str:
        """Where a draft (activate=False) bundle can be previewed."""
        return self._transport.url(f"content/{segment(guid)}/_bundle{segment(bundle_id)}/")

    async def content_status(self, guid: str, bundle_id: str | None = None) -> int:
        """HTTP status of the content's page (or of a draft bundle's preview), fetched with the key.

        The last step of a deploy: ≥ 500 means the content did not start.
        """
        return await self.probe(
            self.draft_url(guid, bundle_id) if bundle_id else self.content_url(guid)
        )

    async def probe(self, url: str) -> int:
        """GET a content URL with the key and return its HTTP status (verification step).

        Connection failures raise as usual; an HTTP error status is returned, not raised, since
        the caller decides (rsconnect-python treats ≥ 500 as "the content did not start").
        """
        t = self._transport
        try:
            async with t.open("GET", url, headers={"Accept": "*/*"}, api=False) as response:
                return response.status
        except errors.ConnectError as exc:
            if exc.status is not None:
                return exc.status
            raise

    async def _logs_url_for(self, guid: str) -> str | None:
        try:
            content = await self.content.get(guid)
        except errors.ConnectError:
            # The failure message matters more than this lookup: fall back to the usual URL.
            return self._transport.url(f"connect/#/apps/{segment(guid)}/logs")
        return content.logs_url
