from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

Fetch = Callable[..., Awaitable[Any]]


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"rsconnect_lab": True}},
            "RSConnectLab": {"data_dir": str(tmp_path / "rsconnect_lab_data")},
        }
    )


@pytest.fixture
def api(jp_fetch: Fetch) -> Callable[..., Awaitable[tuple[int, Any]]]:
    """Call a route; return (status, parsed JSON) for successes and failures alike."""

    async def call(method: str, *parts: str, body: Any = None, **params: str) -> tuple[int, Any]:
        kwargs: dict[str, Any] = {"method": method}
        if body is not None:
            kwargs["body"] = json.dumps(body)
        if params:
            kwargs["params"] = params
        try:
            response = await jp_fetch("rsconnect-lab", *parts, **kwargs)
        except HTTPClientError as err:
            assert err.response is not None
            return err.code, json.loads(err.response.body or b"null")
        raw = response.body
        return response.code, json.loads(raw) if raw else None

    return call


@pytest.fixture
def notebook(jp_root_dir: Path) -> Callable[..., str]:
    """Write a small notebook into the server's root; return its API path."""
    import nbformat

    def make(name: str = "report.ipynb", source: str = "print('hello from the notebook')") -> str:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("# Report"), nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        path = Path(jp_root_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        return name

    return make


async def wait_for_job(
    api: Callable[..., Awaitable[tuple[int, Any]]], job_id: str, timeout: float = 120
) -> dict[str, Any]:
    log: list[str] = []
    since = 0
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status, job = await api("GET", "jobs", job_id, since=str(since))
        assert status == 200, job
        log.extend(job["log"])
        since = job["log_length"]
        if job["state"] in ("succeeded", "failed", "cancelled"):
            job["full_log"] = log
            return job  # type: ignore[no-any-return]
        assert asyncio.get_running_loop().time() < deadline, f"job still {job['state']}: {log}"
        await asyncio.sleep(0.2)


@pytest.fixture(autouse=True)
def _private_config_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """rsconnect-python's store follows XDG_CONFIG_HOME when set: keep it inside the test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
