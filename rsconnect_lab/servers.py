"""Saved Connect servers and their API keys.

Four sources, merged in this order (a later source never shadows an earlier name):
admin presets (``c.RSConnectLab.servers``), servers saved from JupyterLab, the
``CONNECT_SERVER``/``CONNECT_API_KEY`` environment pair, and rsconnect-python's
``servers.json``. Only the saved ones can be changed from the browser.

Keys stay on the server: :class:`Server` hides its key from ``repr`` and
:meth:`Server.public` never includes it.

The administrator's policy (``allowed_server_urls``, ``allow_insecure``) holds for every
source but the embedded emulator: a server that breaks it is still listed, with the reason in
``blocked``, and cannot be used (:meth:`ServerStore.usable`).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .connect.errors import InvalidField
from .connect.urls import normalize_server_url, url_candidates

Source = Literal["preset", "saved", "environment", "rsconnect-python", "embedded"]

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$")


class ServerStoreError(Exception):
    """A request to change the store that cannot be honoured; ``reason`` is machine-readable."""

    def __init__(self, message: str, reason: str = "invalid_input", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    api_key: str = field(repr=False, default="")
    insecure: bool = False
    ca_cert: str | None = field(default=None, repr=False)
    source: Source = "saved"
    default: bool = False
    username: str | None = None
    # The key's role when it was verified: a viewer's key can browse but never publish.
    user_role: str | None = None
    # The URL exactly as rsconnect-python knows this server (its servers.json entry, or
    # CONNECT_SERVER): it keys its deployment records on that string, trailing slash and all.
    source_url: str | None = None
    # Why the administrator's policy rules this server out; None when it may be used.
    blocked: str | None = None

    @property
    def read_only(self) -> bool:
        return self.source != "saved"

    @property
    def rsconnect_url(self) -> str:
        """The key of this server's entries in rsconnect-python's deployment records."""
        return self.source_url or self.url

    def public(self) -> dict[str, Any]:
        """What the browser may see: everything except the key and the CA text."""
        return {
            "name": self.name,
            "url": self.url,
            "username": self.username,
            "user_role": self.user_role,
            "source": self.source,
            "default": self.default,
            "insecure": self.insecure,
            "has_ca_cert": bool(self.ca_cert),
            "read_only": self.read_only,
            "blocked": self.blocked,
        }


def normalize_url(url: str) -> str:
    """The server root as rsconnect-python stores it: scheme added (https unless given), no
    ``/__api__``, dashboard path, query or trailing slash."""
    url = url.strip()
    if not url:
        raise ServerStoreError(
            "Enter the Connect server's URL, for example https://connect.example.com."
        )
    if url.startswith("//"):
        url = "https:" + url
    elif "://" not in url:
        url = "https://" + url
    try:
        # The client's rule, so what is saved is what it talks to: a pasted dashboard link
        # (`…/connect/#/content`) or API URL becomes the server root.
        return normalize_server_url(url)
    except InvalidField as exc:
        raise ServerStoreError(exc.message) from None


def rsconnect_python_config_dir(env: Mapping[str, str] | None = None) -> Path:
    """rsconnect-python's configuration directory (contract §7.1)."""
    env = os.environ if env is None else env
    home = Path(env.get("HOME", str(Path.home())))
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "rsconnect-python"
    if sys.platform == "win32" and env.get("APPDATA"):
        return Path(env["APPDATA"]) / "rsconnect-python"
    if env.get("XDG_CONFIG_HOME"):
        return Path(env["XDG_CONFIG_HOME"]) / "rsconnect-python"
    return home / ".rsconnect-python"


def write_private_json(path: Path, data: Any, indent: int = 2) -> None:
    """Write JSON atomically, readable by the owner only, from the first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=indent)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _from_entry(name: str, entry: Mapping[str, Any], source: Source) -> Server | None:
    url = entry.get("url")
    key = entry.get("api_key")
    if not isinstance(url, str) or not isinstance(key, str) or not key:
        return None  # shinyapps.io, OAuth and other entries we cannot use
    try:
        normalized = normalize_url(url)
    except ServerStoreError:
        return None
    return Server(
        name=str(entry.get("name") or name),
        url=normalized,
        # With a scheme the text is what rsconnect-python uses; without one it adds a scheme.
        source_url=url.strip() if "://" in url else normalized,
        api_key=key,
        insecure=bool(entry.get("insecure", False)),
        ca_cert=entry.get("ca_cert") or None,
        source=source,
        default=bool(entry.get("default", False)),
        username=_text(entry.get("username")),
        user_role=_text(entry.get("user_role")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def refuse_blocked(server: Server) -> None:
    """The one refusal of a server the administrator's policy rules out (403)."""
    if server.blocked:
        raise ServerStoreError(
            f"'{server.name}' cannot be used: {server.blocked}", "forbidden", 403
        )


class ServerStore:
    """Reads every source on each call (they are small files) so edits made elsewhere show up."""

    def __init__(
        self,
        data_dir: Path,
        *,
        presets: Iterable[Mapping[str, Any]] = (),
        env: Mapping[str, str] | None = None,
        rsconnect_dir: Path | None = None,
        allowed_urls: Iterable[str] = (),
        allow_insecure: bool = True,
        ca_cert: str | None = None,
    ) -> None:
        self.path = data_dir / "servers.json"
        self._env = os.environ if env is None else env
        self._rsconnect_dir = rsconnect_dir
        self._presets = [dict(p) for p in presets]
        self._extra: list[Server] = []
        self.allowed_urls = [normalize_url(u) for u in allowed_urls]
        self.allow_insecure = allow_insecure
        self.default_ca_cert = ca_cert

    @property
    def rsconnect_servers_path(self) -> Path:
        base = self._rsconnect_dir or rsconnect_python_config_dir(self._env)
        return base / "servers.json"

    def add_runtime(self, server: Server) -> None:
        """A server known only while this process runs (the embedded emulator)."""
        self._extra = [s for s in self._extra if s.name != server.name] + [server]

    # -- reading ---------------------------------------------------------------

    def all(self) -> list[Server]:
        found: list[Server] = []
        names: set[str] = set()

        theirs = _read_json_object(self.rsconnect_servers_path)

        def take(server: Server | None) -> None:
            if server is not None and server.name not in names:
                names.add(server.name)
                server = self._with_admin_ca(server)
                if server.source in ("preset", "saved"):
                    server = replace(server, source_url=_their_url(theirs, server))
                if server.source != "embedded":  # the emulator the admin turned on
                    server = replace(
                        server, blocked=self.policy_problem(server.url, server.insecure)
                    )
                found.append(server)

        for preset in self._presets:
            take(_from_entry(str(preset.get("name", "")), preset, "preset"))
        for server in self._extra:
            take(server)
        for name, entry in _read_json_object(self.path).items():
            if isinstance(entry, dict):
                take(_from_entry(name, entry, "saved"))
        env_url = self._env.get("CONNECT_SERVER")
        env_key = self._env.get("CONNECT_API_KEY")
        if env_url and env_key:
            take(
                _from_entry(
                    "environment",
                    {
                        "url": env_url,
                        "api_key": env_key,
                        "insecure": self._env.get("CONNECT_INSECURE", "").lower()
                        in ("1", "true", "yes"),
                        "ca_cert": _read_ca_env(self._env.get("CONNECT_CA_CERTIFICATE")),
                    },
                    "environment",
                )
            )
        for name, entry in theirs.items():
            if isinstance(entry, dict):
                take(_from_entry(name, entry, "rsconnect-python"))
        return self._mark_default(found)

    def get(self, name: str) -> Server:
        for server in self.all():
            if server.name == name:
                return server
        raise ServerStoreError(f"No Connect server named '{name}'.", "not_found", 404)

    def usable(self, name: str) -> Server:
        """A server to talk to: refused when the administrator's policy rules it out."""
        server = self.get(name)
        refuse_blocked(server)
        return server

    def default(self) -> Server | None:
        servers = self.all()
        return next((s for s in servers if s.default), servers[0] if servers else None)

    def _with_admin_ca(self, server: Server) -> Server:
        if self.default_ca_cert and not server.ca_cert:
            return replace(server, ca_cert=self.default_ca_cert)
        return server

    @staticmethod
    def _mark_default(servers: list[Server]) -> list[Server]:
        usable = [s for s in servers if not s.blocked]
        chosen = next((s.name for s in usable if s.default), None)
        if chosen is None and usable:
            # The environment pair is the documented default when nothing is marked.
            env = next((s.name for s in usable if s.source == "environment"), None)
            chosen = env or usable[0].name
        return [replace(s, default=(s.name == chosen)) for s in servers]

    # -- validation ------------------------------------------------------------

    def policy_problem(self, url: str, insecure: bool) -> str | None:
        """Why the administrator's policy refuses this server, or None."""
        if insecure and not self.allow_insecure:
            return "Your administrator does not allow skipping TLS verification."
        if self.allowed_urls and url not in self.allowed_urls:
            return (
                "Your administrator allows only these Connect servers: "
                f"{', '.join(self.allowed_urls)}."
            )
        return None

    def check_policy(self, url: str, insecure: bool) -> None:
        if problem := self.policy_problem(url, insecure):
            raise ServerStoreError(problem, "forbidden", 403)

    def allows(self, url: str, insecure: bool) -> bool:
        return self.policy_problem(url, insecure) is None

    def check_new(self, name: str, url: str, api_key: str, insecure: bool) -> tuple[str, str]:
        """Validate a server the user wants to add; return (name, normalised url).

        An address typed without a scheme passes when one of the addresses tried for it
        (https, then http) is allowed; the one verification settles on is checked again."""
        name = name.strip()
        if not NAME_RE.match(name):
            raise ServerStoreError(
                "A server nickname is 1–64 letters, digits, spaces, dots, dashes or underscores."
            )
        typed = url
        url = normalize_url(typed)
        if not api_key.strip():
            raise ServerStoreError("Enter an API key (Connect → your name → API Keys).")
        candidates = [normalize_url(u) for u in url_candidates(typed)]
        if not any(self.allows(u, insecure) for u in candidates):
            self.check_policy(url, insecure)
        if any(s.name == name for s in self.all()):
            raise ServerStoreError(f"A server named '{name}' already exists.", "conflict", 409)
        return name, url

    # -- writing ---------------------------------------------------------------

    def save(self, server: Server, *, also_rsconnect_python: bool = False) -> Server:
        saved = _read_json_object(self.path)
        saved[server.name] = {
            "name": server.name,
            "url": server.url,
            "api_key": server.api_key,
            "insecure": server.insecure,
            "ca_cert": server.ca_cert,
            "username": server.username,
            "user_role": server.user_role,
        }
        write_private_json(self.path, saved)
        if also_rsconnect_python:
            self._save_rsconnect_python(server)
        return replace(server, source="saved")

    def _save_rsconnect_python(self, server: Server) -> None:
        path = self.rsconnect_servers_path
        existing = _read_json_object(path)
        existing[server.name] = {
            "name": server.name,
            "url": server.url,
            "api_key": server.api_key,
            "insecure": server.insecure,
            "ca_cert": server.ca_cert,
        }
        write_private_json(path, existing, indent=4)

    def remove(self, name: str) -> None:
        server = self.get(name)
        if server.read_only:
            raise ServerStoreError(
                f"'{name}' comes from {server.source.replace('-', ' ')} settings and cannot be removed here.",
                "read_only",
                409,
            )
        saved = _read_json_object(self.path)
        saved.pop(name, None)
        write_private_json(self.path, saved)
        # Adding refuses names that exist anywhere, so a twin in rsconnect-python's store with
        # the same URL is the copy we wrote for the CLI: it goes too.
        theirs = _read_json_object(self.rsconnect_servers_path)
        twin = theirs.get(name)
        if isinstance(twin, dict) and _same_url(twin.get("url"), server.url):
            del theirs[name]
            write_private_json(self.rsconnect_servers_path, theirs, indent=4)


def _their_url(theirs: Mapping[str, Any], server: Server) -> str | None:
    """The URL string rsconnect-python's servers.json holds for ``server``'s address: the
    entry of the same name first, else the first with the same address."""
    same_name = theirs.get(server.name)
    entries = [same_name] if isinstance(same_name, dict) else []
    entries += [e for e in theirs.values() if isinstance(e, dict) and e is not same_name]
    for entry in entries:
        url = entry.get("url")
        if isinstance(url, str) and entry.get("api_key") and _same_url(url, server.url):
            return url.strip()
    return None


def _read_ca_env(value: str | None) -> str | None:
    """CONNECT_CA_CERTIFICATE is a path; the store keeps PEM text like rsconnect-python does."""
    if not value:
        return None
    if "-----BEGIN" in value:
        return value
    try:
        return Path(value).read_text(encoding="utf-8")
    except OSError:
        return None


def _same_url(value: Any, url: str) -> bool:
    try:
        return isinstance(value, str) and normalize_url(value) == url
    except ServerStoreError:
        return False
