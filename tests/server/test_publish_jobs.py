"""Publish jobs through the routes: concurrency, cancel, environment variables, key secrecy."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from .conftest import wait_for_job


async def _add(api: Any, emulator: Any) -> None:
    status, body = await api(
        "POST", "servers", body={"name": "emu", "url": emulator.url, "api_key": emulator.api_key}
    )
    assert status == 201, body


async def test_same_file_not_twice_other_files_at_once(
    api: Any, emulator: Any, notebook: Any
) -> None:
    await _add(api, emulator)
    a = notebook("conc/a.ipynb", "print('a')")
    b = notebook("conc/b.ipynb", "print('b')")
    emulator.set_fault("GET /__api__/v1/tasks/*", delay=1.0, count=2)
    try:
        s1, j1 = await api(
            "POST", "publish", body={"path": a, "server": "emu", "title": "Concurrent A"}
        )
        s2, j2 = await api(
            "POST", "publish", body={"path": a, "server": "emu", "title": "Concurrent A"}
        )
        s3, j3 = await api(
            "POST", "publish", body={"path": b, "server": "emu", "title": "Concurrent B"}
        )
    finally:
        pass
    assert s1 == 202 and s3 == 202, (j1, j3)
    assert (s2, j2["reason"]) == (409, "conflict")
    done = await asyncio.gather(
        wait_for_job(api, j1["job"]["id"]), wait_for_job(api, j3["job"]["id"])
    )
    emulator.clear_faults()
    assert [d["state"] for d in done] == ["succeeded", "succeeded"], [d["full_log"] for d in done]


async def test_cancel_during_slow_deploy(api: Any, emulator: Any, notebook: Any) -> None:
    await _add(api, emulator)
    path = notebook("cancel/slow.ipynb", "print('slow')")
    emulator.set_fault("GET /__api__/v1/tasks/*", delay=3.0)
    try:
        status, body = await api(
            "POST", "publish", body={"path": path, "server": "emu", "title": "Cancel me"}
        )
        assert status == 202, body
        job_id = body["job"]["id"]
        for _ in range(200):
            _, job = await api("GET", "jobs", job_id)
            if job["step"] == "deploy":
                break
            await asyncio.sleep(0.1)
        assert job["step"] == "deploy", job
        status, job = await api("DELETE", "jobs", job_id)
        assert status == 202
    finally:
        emulator.clear_faults()
    job = await wait_for_job(api, job_id)
    assert job["state"] == "cancelled"
    assert job["error"]["step"] == "deploy"
    assert (await api("GET", "deployments", path=path))[1] == {"deployments": []}


async def test_env_vars_sent_never_stored_and_key_never_logged(
    api: Any,
    emulator: Any,
    notebook: Any,
    jp_root_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await _add(api, emulator)
    path = notebook("envvars/nb.ipynb", "import os; print('DB is', os.environ.get('DB_URL'))")
    secret = "value-that-must-not-be-stored-9f2c"
    status, body = await api(
        "POST",
        "publish",
        body={"path": path, "server": "emu", "title": "Env vars", "env_vars": {"DB_URL": secret}},
    )
    assert status == 202, body
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "succeeded", job["full_log"]
    assert "DB_URL" in "\n".join(job["full_log"])
    for where in (jp_root_dir, tmp_path / "rsconnect_lab_data"):
        for file in Path(where).rglob("*"):
            if file.is_file() and file.suffix in (".json", ".txt", ".log"):
                text = file.read_text(errors="replace")
                assert secret not in text, file
                assert emulator.api_key not in text or file.name == "servers.json", file
    assert secret not in str(job)
    assert emulator.api_key not in caplog.text
    assert secret not in caplog.text
