"""Server URL normalisation, as posit-sdk does it.

Users paste the server root in many shapes (`https://h`, `https://h/`, `https://h/__api__`,
`https://h/rsc/`, even the dashboard `https://h/connect/#/apps/...`). The client keeps one
canonical form: the root with no trailing slash; API paths hang off `{root}/__api__`.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from .errors import InvalidField

API_PREFIX = "/__api__"


def normalize_server_url(url: str) -> str:
    """Return the server root (scheme, host, optional path prefix; no trailing slash)."""
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidField(
            f"{text or '(empty)'} is not a server address: give the Connect server's root URL "
            "including http:// or https://, for example https://connect.example.com/",
            server_url=text,
            field="url",
        )
    if parts.username is not None or parts.password is not None:
        # Connect authenticates with the API key in its own header; URL credentials would be
        # sent as Basic auth in that same header, and shown wherever the URL is.
        raise InvalidField(
            f"{display_url(text)} includes a user name or password: give the server's address "
            "without them; Connect is signed in to with the API key.",
            server_url=display_url(text),
            field="url",
        )
    path = parts.path
    cut = path.find(API_PREFIX)
    if cut >= 0 and path[cut:].rstrip("/").startswith(API_PREFIX):
        path = path[:cut]
    path = path.rstrip("/")
    # A pasted dashboard link (`/connect/#/apps/…`): the root is what precedes `/connect`.
    if parts.fragment.startswith("/") and path.endswith("/connect"):
        path = path[: -len("/connect")]
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def url_candidates(url: str) -> list[str]:
    """The addresses to try, in order, for what the user typed (as `rsconnect add` does).

    With a scheme: just that URL. Without one (`connect.example.com`, `//host`): https first,
    then http; the caller keeps the first that verifies as Connect.
    """
    text = url.strip()
    if "://" in text:
        return [text]
    bare = text.removeprefix("//")
    return [f"https://{bare}", f"http://{bare}"]


def api_url(root: str, path: str) -> str:
    """`{root}/__api__/{path}`, with exactly one slash at each join."""
    return f"{root}{API_PREFIX}/{path.lstrip('/')}"


def server_path_url(root: str, path: str) -> str:
    """A URL outside the API, such as `{root}/content/{guid}/`."""
    return f"{root}/{path.lstrip('/')}"


def display_url(url: str) -> str:
    """The URL without any `user:password@` part, fit for messages and logs."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def segment(value: str) -> str:
    """Quote one path segment (GUIDs are safe already; this guards ids from elsewhere)."""
    return quote(str(value), safe="")
