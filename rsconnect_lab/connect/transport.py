"""One server's HTTP transport: the session, retries, and the hook that turns answers into errors.

Resource modules (content, bundles, tasks, …) build paths and parse models; everything about
talking HTTP to Connect lives here, so every call gets the same auth, timeouts, retries and
error messages.
"""

from __future__ import annotations

import asyncio
import base64
import json as jsonlib
import logging
import os
import re
import ssl
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TypeVar

import aiohttp
from yarl import URL

from . import errors
from .models import Model
from .urls import api_url, display_url, server_path_url

log = logging.getLogger("rsconnect_lab.connect")

# Methods that may be sent twice without changing the outcome (RFC 9110 §9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Gateway answers that mean "the request did not reach a healthy Connect"; worth another try.
RETRY_STATUSES = frozenset({502, 503, 504})
DEFAULT_TIMEOUT = 300.0
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 30.0
# Error bodies are read for their message only; a megabyte is far more than any real one.
MAX_ERROR_BODY = 1 << 20

M = TypeVar("M", bound=Model)


def proxy_for(url: str) -> tuple[URL | None, dict[str, str] | None]:
    """The proxy for `url` from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and NO_PROXY, as curl and
    requests read them, with the headers for it (credentials in the proxy URL)."""
    target = URL(url)
    if not target.host or urllib.request.proxy_bypass(target.host):
        return None, None
    proxies = urllib.request.getproxies()
    found = proxies.get(target.scheme) or proxies.get("all")
    if not found:
        return None, None
    proxy = URL(found if "://" in found else f"http://{found}")
    if proxy.user is None:
        return proxy, None
    pair = f"{proxy.user}:{proxy.password or ''}".encode()
    auth = "Basic " + base64.b64encode(pair).decode("ascii")
    return proxy.with_user(None), {"Proxy-Authorization": auth}


Params = Mapping[str, str | int | float | bool] | None
DataFactory = Callable[[], Any]

_WRONG_PROTOCOL = re.compile(
    r"wrong version number|record layer failure|packet length too long|http request|"
    r"unknown protocol|tlsv1 alert protocol version",
    re.IGNORECASE,
)
# A login page: a password field, or a redirect to a sign-in address. Plain words such as
# "Sign in" are not enough: many ordinary pages (an ISP's search page) carry such a link.
_PASSWORD_FIELD = re.compile(r"<input[^>]+type=[\"']?password", re.IGNORECASE)
_LOGIN_URL = re.compile(r"log-?in|sign-?in|sso|saml|oauth|openid|auth", re.IGNORECASE)


class Secret:
    """A value that never shows itself in a repr, str or traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


def _user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"rsconnect-lab/{version('rsconnect_lab')}"
    except PackageNotFoundError:  # a source checkout: the name alone is enough
        return "rsconnect-lab"


def _is_html(content_type: str, body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return "html" in content_type or head.startswith((b"<!doctype html", b"<html"))


class Transport:
    """The aiohttp session of one Connect server plus the request helper every resource uses."""

    def __init__(
        self,
        server_url: str,
        api_key: str | None,
        *,
        ssl_context: ssl.SSLContext | bool,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 3,
        backoff: float = 0.5,
        insecure: bool = False,
    ) -> None:
        self.server_url = server_url
        self.display_url = display_url(server_url)
        # Keys are pasted; a trailing newline would otherwise make an invalid header.
        self._key = Secret((api_key or "").strip())
        self._ssl = ssl_context
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.insecure = insecure
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._deprecations: set[str] = set()

    def __repr__(self) -> str:
        return f"Transport({self.display_url!r})"

    # -- session ---------------------------------------------------------------------------

    @property
    def session(self) -> aiohttp.ClientSession:
        """The one session of this server, made on first use so it binds the running loop."""
        if self._closed:
            raise RuntimeError(f"the Connect client for {self.display_url} is closed")
        loop = asyncio.get_running_loop()
        if self._session is not None and self._loop is not loop:
            # aiohttp would fail deep inside with "attached to a different loop"; say it plainly.
            raise RuntimeError(
                f"the Connect client for {self.display_url} belongs to another event loop; "
                "make one client per loop"
            )
        if self._session is None:
            self._loop = loop
            # The key is added per request (`_headers`), not here: aiohttp copies a session's
            # default headers into the proxy request, which would hand the key to a proxy
            # as Proxy-Authorization, even in the CONNECT of an HTTPS tunnel.
            headers = {"User-Agent": _user_agent(), "Accept": "application/json"}
            self._session = aiohttp.ClientSession(
                headers=headers,
                connector=aiohttp.TCPConnector(ssl=self._ssl),
                # unsafe=True keeps cookies for IP-address hosts too: HA sticky-session cookies
                # must come back on task polls whatever the server's address looks like.
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                # Not trust_env: with it aiohttp also reads ~/.netrc and then refuses our
                # Authorization header for a host listed there. Proxies come from
                # `proxy_for` instead.
                trust_env=False,
            )
        return self._session

    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self._key:
            headers["Authorization"] = f"Key {self._key.reveal()}"
        return headers

    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    # -- URLs ------------------------------------------------------------------------------

    def api(self, path: str) -> str:
        return api_url(self.server_url, path)

    def url(self, path: str) -> str:
        return server_path_url(self.server_url, path)

    # -- requests --------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """The key can only leak through text the server echoed; cut it out wherever it is."""
        key = self._key.reveal()
        return text.replace(key, "***") if key and len(key) >= 4 else text

    @asynccontextmanager
    async def open(
        self,
        method: str,
        url: str,
        *,
        params: Params = None,
        json: Any = None,
        data: DataFactory | None = None,
        headers: Mapping[str, str] | None = None,
        what: str | None = None,
        streaming: bool = False,
        api: bool = True,
        preload: bool = False,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Send a request and yield its successful (< 400) response; errors are raised typed.

        `data` is a factory, not a body, so that a retried request gets a fresh payload.
        `streaming` swaps the overall deadline for per-read ones: a large bundle may take
        longer than CONNECT_REQUEST_TIMEOUT in total while never stalling that long.
        `preload` reads the whole body before yielding, so that an answer cut off midway is
        retried like a failed connection (idempotent methods only) or raised typed; a caller
        that streams the body itself wraps its reads in `body_errors`.
        """
        method = method.upper()
        attempts = 1 + self.retries if method in IDEMPOTENT_METHODS else 1
        timeout = (
            aiohttp.ClientTimeout(total=None, sock_connect=self.timeout, sock_read=self.timeout)
            if streaming
            else self.session.timeout
        )
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                proxy, proxy_headers = proxy_for(url)
                request_headers = self._headers(headers)
                if proxy_headers and URL(url).scheme == "http":
                    # A plain-HTTP proxy reads its credentials from the request itself;
                    # aiohttp sends proxy_headers only with an HTTPS tunnel's CONNECT.
                    request_headers.update(proxy_headers)
                    proxy_headers = None
                response = await self.session.request(
                    method,
                    url,
                    proxy=proxy,
                    proxy_headers=proxy_headers,
                    params=params,
                    json=json,
                    data=data() if data is not None else None,
                    headers=request_headers,
                    max_redirects=MAX_REDIRECTS,
                    timeout=timeout,
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                if attempt < attempts and _retryable(exc):
                    await self._pause(method, url, attempt, type(exc).__name__)
                    continue
                self._raise_connection_error(exc, method, url)
            log.debug(
                "%s %s -> %s in %.0f ms (attempt %d)",
                method,
                self._loggable(response.url),
                response.status,
                (time.monotonic() - started) * 1000,
                attempt,
            )
            try:
                if response.status in RETRY_STATUSES and attempt < attempts:
                    await self._pause(
                        method,
                        url,
                        attempt,
                        f"HTTP {response.status}",
                        _retry_after(response.headers.get("Retry-After")),
                    )
                    continue
                if response.history and response.method.upper() != method:
                    self._raise_method_redirect(method, response)
                if "X-Deprecated-Endpoint" in response.headers:
                    self._warn_deprecated(method, response)
                if response.status >= 400:
                    await self._raise_for_response(response, method, what=what, api=api)
                if preload:
                    try:
                        await response.read()  # aiohttp keeps it: later reads return it
                    except (aiohttp.ClientError, TimeoutError) as exc:
                        if attempt < attempts and _body_retryable(exc):
                            await self._pause(method, url, attempt, type(exc).__name__)
                            continue
                        self._raise_connection_error(exc, method, url)
                yield response
                return
            finally:
                response.release()

    @asynccontextmanager
    async def body_errors(self, method: str, url: str) -> AsyncIterator[None]:
        """Raise what goes wrong while a streamed body is read as the client's typed errors."""
        try:
            yield
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._raise_connection_error(exc, method, url)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        data: DataFactory | None = None,
        headers: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> Any:
        """An API call (`path` relative to `/__api__`); its decoded JSON, None if empty."""
        async with self.open(
            method,
            self.api(path),
            params=params,
            json=json,
            data=data,
            headers=headers,
            what=what,
            preload=True,
        ) as response:
            return await self.read_json(response, method)

    async def read_json(self, response: aiohttp.ClientResponse, method: str) -> Any:
        body = await response.read()
        if response.status == 204 or not body.strip():
            return None
        content_type = response.headers.get("Content-Type", "").lower()
        try:
            if "json" not in content_type and _is_html(content_type, body):
                raise ValueError("HTML")
            return jsonlib.loads(body)
        except ValueError:
            self._raise_not_connect(response, body, method)

    async def _pause(
        self, method: str, url: str, attempt: int, cause: str, asked: float | None = None
    ) -> None:
        delay = self.backoff * (2 ** (attempt - 1))
        if asked is not None:
            # The server said when to come back (Retry-After); believe it, within reason.
            delay = max(delay, min(asked, MAX_RETRY_AFTER))
        log.warning(
            "%s %s failed (%s); retrying in %.1f s (attempt %d of %d)",
            method,
            self._loggable(URL(url)),
            cause,
            delay,
            attempt + 1,
            1 + self.retries,
        )
        await asyncio.sleep(delay)

    def _warn_deprecated(self, method: str, response: aiohttp.ClientResponse) -> None:
        # Once per endpoint: the warning is for developers, not for every poll of a task.
        key = f"{method} {response.url.path}"
        if key not in self._deprecations:
            self._deprecations.add(key)
            log.warning(
                "%s says %s is deprecated (%s); the client needs an update",
                self.display_url,
                key,
                response.headers.get("X-Deprecated-Endpoint", ""),
            )

    def _loggable(self, url: URL) -> str:
        return self.redact(display_url(str(url)))

    # -- answers ---------------------------------------------------------------------------

    def parse(self, model: type[M], data: Any) -> M:
        """A model from a JSON answer; an answer of the wrong shape is the server's fault."""
        try:
            return model.from_json(data)
        except (TypeError, KeyError, ValueError) as exc:
            self.error(
                errors.ServerError,
                f"{self.display_url} sent {type(data).__name__} where a {model.__name__} was "
                f"expected ({exc}). A proxy may have rewritten the answer, or the server is "
                "not the Connect version the client knows.",
            )

    def parse_list(self, model: type[M], data: Any) -> list[M]:
        if data is None:
            return []
        if not isinstance(data, list):
            self.error(
                errors.ServerError,
                f"{self.display_url} sent {type(data).__name__} where a list of {model.__name__} "
                "was expected.",
            )
        return [self.parse(model, item) for item in data]

    # -- errors ----------------------------------------------------------------------------

    def error(self, cls: type[errors.ConnectError], message: str, **kwargs: Any) -> NoReturn:
        raise cls(self.redact(message), server_url=self.display_url, **kwargs)

    def _raise_connection_error(self, exc: BaseException, method: str, url: str) -> NoReturn:
        server = self.display_url
        target = URL(url)
        host = f"{target.host}:{target.port}" if target.port else str(target.host)
        detail = self.redact(str(exc))
        cls: type[errors.ConnectError] = errors.ServerUnreachable
        if isinstance(exc, aiohttp.ClientConnectorCertificateError):
            cls = errors.TLSError
            cert_error = (
                getattr(exc.certificate_error, "verify_message", None) or str(exc.certificate_error)
            ).rstrip(".")
            if "hostname" in cert_error.lower() or "ip address mismatch" in cert_error.lower():
                message = (
                    f"{server} presented a TLS certificate for a different host name "
                    f"({cert_error}). Use the host name the certificate was issued for."
                )
            else:
                message = (
                    f"{server} presented a TLS certificate that is not trusted here "
                    f"({cert_error}). If the server uses a private or self-signed certificate, "
                    "give its CA bundle: the server's CA certificate setting, or "
                    "CONNECT_CA_CERTIFICATE with a PEM file or the PEM text. Turn verification "
                    "off (insecure, CONNECT_INSECURE=1) only for a server you trust."
                )
        elif isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
            cls = errors.TLSError
            tls_cause = exc.os_error if isinstance(exc, aiohttp.ClientSSLError) else exc
            detail = self.redact(
                str(tls_cause.args[1]) if len(tls_cause.args) > 1 else str(tls_cause) or detail
            )
            if _WRONG_PROTOCOL.search(detail):
                plain = server.replace("https://", "http://", 1)
                message = (
                    f"{server} does not speak TLS on {host} ({detail}): it looks like a plain "
                    f"HTTP server. Try {plain} instead."
                )
            else:
                message = (
                    f"The TLS handshake with {server} failed ({detail}). Check the URL's scheme "
                    "and port, and whether a proxy intercepts HTTPS."
                )
        elif isinstance(exc, aiohttp.ClientConnectorDNSError):
            message = (
                f"Cannot reach {server}: the host name {target.host} could not be resolved. "
                "Check the spelling of the address and your network or VPN connection."
            )
        elif isinstance(exc, aiohttp.ClientProxyConnectionError | aiohttp.ClientHttpProxyError):
            message = (
                f"Cannot reach {server} through the HTTP proxy ({detail}). Check HTTPS_PROXY, "
                "HTTP_PROXY and NO_PROXY in the server's environment."
            )
        elif isinstance(exc, aiohttp.ClientConnectorError):
            why = (
                "connection refused"
                if isinstance(exc.os_error, ConnectionRefusedError)
                else exc.strerror or detail
            )
            message = (
                f"Cannot reach {server}: the connection to {host} failed ({why}). Check that "
                "the server is running, that the port is right, and that no firewall blocks it."
            )
        elif isinstance(exc, TimeoutError):
            message = (
                f"{server} did not answer within {self.timeout:g} s ({method} {target.path}). "
                "The server may be overloaded or a proxy may be holding the request; set "
                "CONNECT_REQUEST_TIMEOUT to wait longer."
            )
        elif isinstance(exc, aiohttp.TooManyRedirects):
            cls = errors.NotConnectServer
            message = (
                f"{server} redirected more than {MAX_REDIRECTS} times; a login proxy or a "
                "wrong path prefix is likely. Use the Connect server's own root URL."
            )
        elif isinstance(exc, aiohttp.RedirectClientError):
            cls = errors.NotConnectServer
            message = f"{server} redirected to an address that is not a web URL ({detail})."
        elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError):
            hint = (
                f" If the server uses HTTPS, use {server.replace('http://', 'https://', 1)}."
                if server.startswith("http://")
                else ""
            )
            message = (
                f"{server} closed the connection before answering ({method} {target.path}).{hint}"
            )
        elif isinstance(exc, aiohttp.ClientPayloadError) and "redirect" in detail.lower():
            # A 307/308 asks for the streamed upload again, from the start; it is gone by then.
            cls = errors.InvalidField
            message = (
                f"{server} redirects {method} {target.path} elsewhere, and a streamed upload "
                "cannot be sent twice. Use the address the server redirects to as the server URL "
                "(often https:// instead of http://)."
            )
        elif isinstance(exc, aiohttp.ClientPayloadError):
            message = f"The answer from {server} was cut off ({detail}). Try again."
        else:
            message = f"Cannot talk to {server} ({type(exc).__name__}: {detail})."
        # A response error's repr carries the request headers, the key among them: drop it.
        chained = None if isinstance(exc, aiohttp.ClientResponseError) else exc
        if cls is errors.InvalidField:
            raise errors.InvalidField(
                self.redact(message), server_url=server, field="url"
            ) from chained
        raise cls(self.redact(message), server_url=server) from chained

    def _raise_method_redirect(self, method: str, response: aiohttp.ClientResponse) -> NoReturn:
        # A 301/302/303 turns a POST into a GET without its body: what answers is not what was
        # asked, so stop here rather than read a content list as a created item.
        first = response.history[0]
        target = display_url(str(first.headers.get("Location", response.url)))
        self.error(
            errors.InvalidField,
            f"{self.display_url} redirects {method} {first.url.path} to {target}, which drops "
            "the request's body. Use the address it redirects to as the server URL (often "
            "https:// instead of http://).",
            status=first.status,
            field="url",
        )

    def _redirect_note(self, response: aiohttp.ClientResponse) -> str:
        if not response.history:
            return ""
        final = display_url(str(response.url))
        return f" (the request was redirected to {final})"

    def _raise_not_connect(
        self, response: aiohttp.ClientResponse, body: bytes, method: str
    ) -> NoReturn:
        server = self.display_url
        content_type = response.headers.get("Content-Type", "").lower()
        note = self._redirect_note(response)
        text = body[:4096].decode("utf-8", "replace")
        # Connect's own 401/403 answers are JSON, so a plain one comes from something in front.
        asks_to_sign_in = response.status in (401, 403, 407) or "WWW-Authenticate" in (
            response.headers
        )
        redirected_to_login = bool(response.history) and bool(_LOGIN_URL.search(response.url.path))
        if asks_to_sign_in or (
            _is_html(content_type, body) and (_PASSWORD_FIELD.search(text) or redirected_to_login)
        ):
            message = (
                f"{server} answered with a login page instead of Connect's API{note}. A "
                "single-sign-on or authenticating proxy sits in front of it; use an address that "
                "reaches Connect directly, or ask the administrator to let API-key requests "
                "through to /__api__/."
            )
        elif _is_html(content_type, body):
            message = (
                f"{server} answered with an HTML page, not Connect's API{note}. It is not a Posit "
                "Connect server, or the URL is not the server's root (give the address you "
                "open Connect at, without /connect/ or a content path)."
            )
        elif "json" in content_type or body.lstrip()[:1] in (b"{", b"["):
            message = (
                f"{server} answered {method} {response.url.path} with HTTP {response.status} and "
                f"JSON that is not Connect's{note}: this is some other web service, not Posit "
                "Connect. Check the URL."
            )
        else:
            shown = content_type or "no content type"
            message = (
                f"{server} answered {method} {response.url.path} with something that is not "
                f"JSON ({shown}){note}, so it is not a Posit Connect server, or a proxy "
                "rewrote the answer. Check the URL."
            )
        self.error(errors.NotConnectServer, message, status=response.status)

    async def _raise_for_response(
        self, response: aiohttp.ClientResponse, method: str, *, what: str | None, api: bool
    ) -> NoReturn:
        status = response.status
        body = await response.content.read(MAX_ERROR_BODY)
        content_type = response.headers.get("Content-Type", "").lower()
        payload: Any = None
        if "json" in content_type or body.lstrip()[:1] in (b"{", b"["):
            try:
                payload = jsonlib.loads(body)
            except ValueError:
                payload = None
        if not isinstance(payload, dict) or not ({"code", "error"} & payload.keys()):
            self._raise_plain_http(response, body, method, what=what, api=api)
        code = payload.get("code")
        code = code if isinstance(code, int) else None
        text = str(payload.get("error") or "").strip().rstrip(".")
        _raise_for_connect_code(
            self,
            status=status,
            code=code,
            text=text,
            method=method,
            what=what,
            path=response.url.path,
            note=self._redirect_note(response),
        )

    def _raise_plain_http(
        self,
        response: aiohttp.ClientResponse,
        body: bytes,
        method: str,
        *,
        what: str | None,
        api: bool,
    ) -> NoReturn:
        status = response.status
        server = self.display_url
        if status >= 500:
            self.error(
                errors.ServerError,
                f"{server} (or a proxy in front of it) failed with HTTP {status} "
                f"{response.reason or ''} on {method} {response.url.path}. It may be restarting "
                "or overloaded: try again shortly, and ask the administrator if it persists.",
                status=status,
            )
        if not api and status == 404:
            self.error(
                errors.NotFound,
                f"{server} found nothing at {response.url.path} (HTTP 404)"
                + (f" while {what}." if what else "."),
                status=status,
            )
        self._raise_not_connect(response, body, method)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (the delay form; an HTTP date is ignored)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _retryable(exc: BaseException) -> bool:
    """Connection failures where the request cannot have been acted on, or may be sent again.

    Certificate, TLS and DNS failures are permanent: another try only delays the message.
    A read timeout means the server is slow, not gone; retrying would multiply the wait.
    """
    if isinstance(
        exc,
        aiohttp.ClientSSLError | aiohttp.ClientConnectorDNSError | aiohttp.SocketTimeoutError,
    ):
        return False
    return isinstance(exc, aiohttp.ClientConnectionError) and not isinstance(
        exc, aiohttp.ClientResponseError
    )


def _body_retryable(exc: BaseException) -> bool:
    """A body cut off midway (the peer closed, a proxy gave up) is worth another try; a read
    timeout still is not, for the reason `_retryable` gives."""
    return isinstance(exc, aiohttp.ClientPayloadError) or _retryable(exc)


# Connect's codes for "the key itself is the problem".
_AUTH_CODES = frozenset({24, 29, 30, 166})
_NOT_FOUND_CODES = frozenset({2, 4, 17, 18, 28, 141})
_FIELD_BY_CODE = {5: "name", 122: "title", 123: "description", 52: "path", 53: None}
_PERMISSION_HINTS = {
    10: "The object belongs to another user.",
    22: "Your Connect role does not allow this; publishing needs the publisher or "
    "administrator role, and changing content needs owner or collaborator access.",
    50: "The user of this API key is locked; ask an administrator to unlock it.",
    65: "The server's license does not allow this kind of content.",
    95: "This endpoint does not accept API-key authentication.",
    109: "An administrator has prohibited this type of content on the server.",
}


def _raise_for_connect_code(
    transport: Transport,
    *,
    status: int,
    code: int | None,
    text: str,
    method: str,
    what: str | None,
    path: str,
    note: str,
) -> NoReturn:
    """Map Connect's `{code, error}` body to one exception type and a message saying what to do."""
    server = transport.display_url
    said = f"Connect error {code}: {text}" if code is not None else f"HTTP {status}: {text}"
    action = what or f"{method} {path}"
    if code in _AUTH_CODES or status == 401:
        message = (
            f"{server} rejected the API key ({said}){note}. Create a new key in Connect (your "
            "name, top right → API Keys) and check it was copied whole."
        )
        if note:
            message += (
                " Keys are not sent across a redirect to another address: save the address the "
                "server redirected to instead."
            )
        transport.error(errors.InvalidAPIKey, message, status=status, code=code)
    if code == 48:
        transport.error(
            errors.AppModeChange,
            f"{server} refused {action}: deployed content cannot change its type (app mode) "
            f"({said}). Publish it as new content instead, or keep the original mode.",
            status=status,
            code=code,
        )
    if code in (26, 51) or (status == 409 and code is None):
        kind = "vanity path" if code == 51 else "name"
        transport.error(
            errors.NameConflict,
            f"{server} already has content with that {kind} ({said}). Choose another {kind}, "
            "or update the existing content instead of creating new.",
            status=status,
            code=code,
        )
    if code in _NOT_FOUND_CODES or status == 404:
        if code == 2:
            message = (
                f"{server} does not support {method} {path} ({said}); the Connect version may be "
                "too old for this feature."
            )
        elif code == 141:
            message = (
                f"{server} lost track of the task ({said}). In a cluster, the load balancer must "
                "keep sessions sticky (the client sends the cookies back)."
            )
        else:
            message = (
                f"{server} found no such item while {action} ({said}). It may have been "
                "deleted, or it is not shared with the user of this API key."
            )
        transport.error(errors.NotFound, message, status=status, code=code)
    if status == 403 or code in _PERMISSION_HINTS:
        hint = _PERMISSION_HINTS.get(code or 0, "Ask the content's owner or an administrator.")
        transport.error(
            errors.PermissionDenied,
            f"{server} does not permit {action} for this API key's user ({said}). {hint}",
            status=status,
            code=code,
        )
    if status >= 500:
        transport.error(
            errors.ServerError,
            f"{server} failed while {action} ({said}). Try again; if it persists, the server's "
            "logs will say more.",
            status=status,
            code=code,
        )
    if code in _FIELD_BY_CODE or 400 <= status < 500:
        field = _FIELD_BY_CODE.get(code or 0)
        fixes = {
            "name": " Names are 3 to 64 letters, digits, dashes or underscores.",
            "title": " Titles are 3 to 1024 characters.",
            "description": " Descriptions are at most 4096 characters.",
            "path": " Choose another path; top-level words such as /connect are reserved.",
        }
        raise errors.InvalidField(
            transport.redact(f"{server} refused {action} ({said}).{fixes.get(field or '', '')}"),
            server_url=server,
            status=status,
            code=code,
            field=field,
        )
    transport.error(
        errors.ServerError,
        f"{server} answered HTTP {status} while {action} ({said}).",
        status=status,
        code=code,
    )


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        log.warning("ignoring %s=%r: not a number of seconds", name, value)
        return default
