"""Small sync helpers for emulator tests: bundles, an API session, task following."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests


def make_bundle(manifest: dict[str, Any], files: dict[str, str | bytes]) -> bytes:
    """A tar.gz with manifest.json first, as rsconnect-python writes it."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest), **files}.items():
            raw = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


def notebook(*cells: str | tuple[str, list[str]]) -> str:
    """A notebook of code cells; a cell is source text or (source, tags)."""
    out = []
    for cell in cells:
        source, tags = (cell, []) if isinstance(cell, str) else cell
        out.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": uuid.uuid4().hex[:8],
                "metadata": {"tags": tags},
                "outputs": [],
                "source": source,
            }
        )
    return json.dumps(
        {
            "cells": out,
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


# The smallest thing the emulator recognises as a PNG image (by its signature).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class Api:
    """requests against `{url}/__api__/` with one user's key."""

    def __init__(self, url: str, key: str | None, verify: Any = True) -> None:
        self.url = url
        self.s = requests.Session()
        self.verify = verify  # per request: a session-level value loses to REQUESTS_CA_BUNDLE
        if key:
            self.s.headers["Authorization"] = f"Key {key}"

    def __call__(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("verify", self.verify)
        return self.s.request(method, f"{self.url}/__api__/{path}", timeout=120, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self("POST", path, **kw)

    def page(self, path: str, **kw: Any) -> requests.Response:
        """A non-API URL under the server root (content pages)."""
        kw.setdefault("verify", self.verify)
        return self.s.get(f"{self.url}{path}", timeout=120, **kw)

    def create(self, name: str | None = None, **fields: Any) -> dict[str, Any]:
        r = self.post("v1/content", json={"name": name or unique(), **fields})
        assert r.status_code == 200, r.text
        return dict(r.json())

    def upload(self, guid: str, bundle: bytes) -> str:
        r = self.post(f"v1/content/{guid}/bundles", data=bundle)
        assert r.status_code == 200, r.text
        return str(r.json()["id"])

    def wait_task(self, task_id: str, timeout: float = 180) -> dict[str, Any]:
        """Follow a task like rsconnect-python does; returns the last poll with all output."""
        lines: list[str] = []
        first = 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.get(f"v1/tasks/{task_id}", params={"first": first, "wait": 1})
            assert r.status_code == 200, r.text
            body = r.json()
            lines += body["output"]
            first = body["last"]
            if body["finished"]:
                return {**body, "output": lines}
        raise AssertionError(f"task {task_id} did not finish: {lines}")

    def deploy(self, guid: str, bundle: bytes, activate: bool = True) -> dict[str, Any]:
        bid = self.upload(guid, bundle)
        body: dict[str, Any] = {"bundle_id": bid}
        if not activate:
            body["activate"] = False
        r = self.post(f"v1/content/{guid}/deploy", json=body)
        assert r.status_code == 202, r.text
        return {**self.wait_task(r.json()["task_id"]), "bundle_id": bid}


def assert_error(r: requests.Response, status: int, code: int) -> None:
    """Connect's error shape: {code, error, payload}."""
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert body["code"] == code, body
    assert isinstance(body["error"], str) and body["error"]
    assert "payload" in body


def start_cli(data: Path, *args: str) -> tuple[subprocess.Popen[str], Api]:
    """`python -m rsconnect_lab.emulator` in a child process; its admin API once it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "rsconnect_lab.emulator", "--port", "0", "--data", str(data), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    url = re.fullmatch(r"Connect emulator on (\S+)\n", proc.stdout.readline())
    key = proc.stdout.readline().strip().removeprefix("API key: ")
    assert url, "the emulator did not start"
    return proc, Api(url.group(1), key)


def rsconnect_env(home: Path) -> dict[str, str]:
    """Environment for the rsconnect CLI: its own config dir, no update check over the network."""
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "xdg"),
        "RSCONNECT_DISABLE_VERSION_CHECK": "1",
        "NO_COLOR": "1",
    }
