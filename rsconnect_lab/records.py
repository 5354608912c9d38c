"""Deployment records: where a file was published, so it can be redeployed.

Two formats are kept in step:

* ours, in the Jupyter data directory, one file per published file, holding every target
  (a notebook may live on staging and production, or twice on one server);
* rsconnect-python's ``<dir>/rsconnect-python/<stem>.json`` (contract §7.2), one entry per
  server URL, so ``rsconnect deploy`` redeploys the same content. Its records are read too,
  including the fallback copies under its configuration directory.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .bundle.entrypoint import default_entrypoint
from .bundle.files import BundleError
from .servers import rsconnect_python_config_dir, write_private_json

RSCONNECT_APP_STORE_VERSION = 1


@dataclass
class Deployment:
    server_url: str
    content_guid: str
    content_url: str
    dashboard_url: str
    title: str
    app_mode: str
    server_name: str | None = None
    content_id: str | None = None
    bundle_id: str | None = None
    mode: str | None = None
    deployed_at: str | None = None
    hide_input: str | None = None
    entrypoint: str | None = None
    extra_files: list[str] = field(default_factory=list)
    source: str = "rsconnect_lab"

    def public(self) -> dict[str, Any]:
        return asdict(self)


def _sha1_name(path: str) -> str:
    digest = hashlib.sha1(path.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def rsconnect_record_paths(file: Path, env: dict[str, str] | None = None) -> list[Path]:
    """Every place rsconnect-python may have put the record of ``file``, primary first:
    the stores of ``rsconnect_write_targets``, less the primaries that sit under the file
    itself (a made-up module's folder, which can never exist)."""
    return [
        path
        for pair in rsconnect_write_targets(file, env)
        for path in pair
        if file not in path.parents
    ]


def rsconnect_write_targets(
    file: Path, env: dict[str, str] | None = None
) -> list[tuple[Path, Path]]:
    """(primary, fallback) of each store `rsconnect` consults for ``file``.

    ``rsconnect deploy notebook`` keys its store on a made-up module under the notebook
    (``nb.ipynb/nb.ipynb.py``), whose folder never exists, so it always lands in the fallback;
    ``rsconnect info`` and rsconnect-jupyter read ``<dir>/rsconnect-python/<stem>.json``.
    App deploys (``rsconnect deploy dash DIR``) key on the folder: ``<dir>/<dirname>.py``.
    """
    config = rsconnect_python_config_dir(env) / "applications"
    targets = [
        (
            file.parent / "rsconnect-python" / f"{file.stem}.json",
            config / f"{_sha1_name(str(file))}.json",
        )
    ]
    if file.suffix == ".ipynb":
        made_up = file / (file.name + ".py")
        targets.append(
            (
                made_up.parent / "rsconnect-python" / f"{made_up.stem}.json",
                config / f"{_sha1_name(str(made_up))}.json",
            )
        )
    elif file.suffix == ".py" and is_folder_entrypoint(file):
        # The folder's record belongs to the one app `rsconnect deploy dash DIR` would
        # deploy from it; any other .py in the folder would take over that app's record.
        folder_module = file.parent / (file.parent.name + ".py")
        targets.append(
            (
                file.parent / "rsconnect-python" / f"{file.parent.name}.json",
                config / f"{_sha1_name(str(folder_module))}.json",
            )
        )
    return targets


def is_folder_entrypoint(file: Path) -> bool:
    """Whether ``file`` is the entrypoint rsconnect-python guesses for its folder."""
    try:
        return default_entrypoint(file.parent) == file.stem
    except (BundleError, OSError):
        return False


def _names_this_file(file: Path, entry: Any) -> bool:
    """An rsconnect-python entry belongs to ``file`` unless its ``filename`` names another
    file: it may name the file, its made-up notebook module, or (an app deploy) its folder."""
    named = entry.get("filename") if isinstance(entry, dict) else None
    if not named:
        return True
    path = Path(str(named))
    if not path.is_absolute():
        return True  # written relative to somewhere we cannot know
    # rsconnect-python writes abspath(); ours is resolved (symlinked homes on JupyterHub).
    return path.resolve() in (file, file / (file.name + ".py"), file.parent)


class RecordStore:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.dir = data_dir / "deployments"
        self._env = env

    def _own_path(self, file: Path) -> Path:
        return self.dir / f"{_sha1_name(str(file))}.json"

    def list(self, file: Path) -> list[Deployment]:
        """Every known target of ``file``, ours first, newest first; rsconnect-python's added
        when it points at content we have no record of."""
        file = file.resolve()
        own: list[Deployment] = []
        data = _read(self._own_path(file))
        if isinstance(data, dict):
            for entry in data.get("deployments", []):
                try:
                    own.append(Deployment(**entry))
                except TypeError:
                    continue
        own.sort(key=lambda d: d.deployed_at or "", reverse=True)
        known = {(d.server_url, d.content_guid) for d in own}
        for path in rsconnect_record_paths(file, self._env):
            entries = _read(path)
            if not isinstance(entries, dict):
                continue
            for server_url, entry in entries.items():
                if not _names_this_file(file, entry):
                    continue
                dep = _from_rsconnect(server_url, entry)
                if dep and (dep.server_url, dep.content_guid) not in known:
                    known.add((dep.server_url, dep.content_guid))
                    own.append(dep)
        return own

    def save(self, file: Path, deployment: Deployment, rsconnect_url: str | None = None) -> None:
        """Record a successful publish in both formats. ``rsconnect_url`` is the server's URL
        exactly as rsconnect-python knows it (``Server.rsconnect_url``): it looks its records
        up by that string, so ``https://c/`` and ``https://c`` are different servers to it."""
        file = file.resolve()
        deployment.deployed_at = deployment.deployed_at or datetime.now(timezone.utc).isoformat()
        path = self._own_path(file)
        data = _read(path)
        entries = data.get("deployments", []) if isinstance(data, dict) else []
        entries = [
            e
            for e in entries
            if not (
                e.get("server_url") == deployment.server_url
                and e.get("content_guid") == deployment.content_guid
            )
        ]
        entries.insert(0, deployment.public())
        write_private_json(path, {"path": str(file), "deployments": entries})
        self._save_rsconnect(file, deployment, rsconnect_url or deployment.server_url)

    def _save_rsconnect(self, file: Path, deployment: Deployment, key: str) -> None:
        record = {
            "server_url": key,
            "filename": str(file),
            "app_url": deployment.content_url,
            "app_id": deployment.content_id or "",
            "app_guid": deployment.content_guid,
            "title": deployment.title,
            "app_mode": deployment.app_mode,
            "app_store_version": RSCONNECT_APP_STORE_VERSION,
        }
        # Each place is a store rsconnect-python reads; a store whose folder cannot be
        # written (its primary) falls back to the config directory, as rsconnect-python does.
        for primary, fallback in rsconnect_write_targets(file, self._env):
            for target in (primary, fallback):
                existing = _read(target)
                entries = existing if isinstance(existing, dict) else {}
                # Another spelling of the same server pointing at this content (written by
                # an older version of ours) gives way: one entry per server.
                entries = {
                    url: e
                    for url, e in entries.items()
                    if url == key
                    or url.rstrip("/") != key.rstrip("/")
                    or not isinstance(e, dict)
                    or e.get("app_guid") != deployment.content_guid
                }
                entries[key] = {**record, "filename": str(file)}
                try:
                    _write_json(target, entries)
                    break
                except OSError:
                    continue

    def forget_content(self, server_url: str, content_guid: str) -> int:
        """Forget every file's record of content that no longer exists; returns how many
        files pointed at it (their rsconnect-python entries for it go too)."""
        files = []
        for path in sorted(self.dir.glob("*.json")) if self.dir.is_dir() else []:
            data = _read(path)
            if not isinstance(data, dict) or not isinstance(data.get("path"), str):
                continue
            if any(
                isinstance(e, dict)
                and e.get("content_guid") == content_guid
                and str(e.get("server_url", "")).rstrip("/") == server_url.rstrip("/")
                for e in data.get("deployments", [])
            ):
                files.append(Path(data["path"]))
        for file in files:
            self.forget(file, server_url, content_guid)
        return len(files)

    def forget(self, file: Path, server_url: str, content_guid: str) -> None:
        file = file.resolve()
        path = self._own_path(file)
        data = _read(path)
        if isinstance(data, dict):
            entries = [
                e
                for e in data.get("deployments", [])
                if not (
                    str(e.get("server_url", "")).rstrip("/") == server_url.rstrip("/")
                    and e.get("content_guid") == content_guid
                )
            ]
            write_private_json(path, {"path": str(file), "deployments": entries})
        # rsconnect-python's entry goes too when it names the same content.
        for target in rsconnect_record_paths(file, self._env):
            existing = _read(target)
            if not isinstance(existing, dict):
                continue
            kept = {
                url: e
                for url, e in existing.items()
                if not (
                    isinstance(e, dict)
                    and url.rstrip("/") == server_url.rstrip("/")
                    and e.get("app_guid") == content_guid
                )
            }
            if kept != existing:
                with contextlib.suppress(OSError):
                    _write_json(target, kept)


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=4) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _from_rsconnect(server_url: str, entry: Any) -> Deployment | None:
    if not isinstance(entry, dict):
        return None
    guid = entry.get("app_guid")
    if not guid:
        return None
    app_mode = entry.get("app_mode") or "unknown"
    if app_mode == "nodejs-api":
        app_mode = "nodejs"
    url = str(entry.get("server_url") or server_url).rstrip("/")
    return Deployment(
        server_url=url,
        content_guid=str(guid),
        content_url=str(entry.get("app_url") or ""),
        dashboard_url=f"{url}/connect/#/apps/{guid}",
        title=str(entry.get("title") or ""),
        app_mode=str(app_mode),
        content_id=str(entry["app_id"]) if entry.get("app_id") not in (None, "") else None,
        source="rsconnect-python",
    )
