"""Publish jobs through the routes: concurrency, cancel, environment variables, key secrecy."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient

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


async def test_same_file_started_twice_at_once_runs_once(
    api: Any, emulator: Any, notebook: Any
) -> None:
    """Both starts ask Connect (choosing the target) before the job exists: the path is
    reserved before that, so the second is refused instead of publishing the file twice."""
    await _add(api, emulator)
    a = notebook("race/a.ipynb", "print('race a')")
    b = notebook("race/b.ipynb", "print('race b')")
    emulator.set_fault("GET /__api__/v1/content*", delay=0.5)
    try:
        results = await asyncio.gather(
            *(
                api("POST", "publish", body={"path": path, "server": "emu", "title": title})
                for path, title in ((a, "Race A"), (a, "Race A"), (b, "Race B"))
            )
        )
    finally:
        emulator.clear_faults()
    (s1, j1), (s2, j2), (s3, j3) = results
    assert sorted([s1, s2]) == [202, 409], (j1, j2)
    started, refused = (j1, j2) if s1 == 202 else (j2, j1)
    assert refused["reason"] == "conflict" and "already being published" in refused["message"]
    assert s3 == 202, j3  # another file is not held up
    _, listed = await api("GET", "jobs")
    assert [j["path"] for j in listed["jobs"]].count(a) == 1
    done = await asyncio.gather(
        wait_for_job(api, started["job"]["id"]), wait_for_job(api, j3["job"]["id"])
    )
    assert [d["state"] for d in done] == ["succeeded", "succeeded"], [d["full_log"] for d in done]
    assert len(await _content_titled(emulator, "Race A")) == 1
    # The reservation is released: the file can be published again afterwards.
    status, body = await api(
        "POST", "publish", body={"path": a, "server": "emu", "title": "Race A"}
    )
    assert status == 202, body
    assert (await wait_for_job(api, body["job"]["id"]))["state"] == "succeeded"


async def test_refused_start_releases_the_file(api: Any, emulator: Any, notebook: Any) -> None:
    await _add(api, emulator)
    path = notebook("race2/nb.ipynb", "print('race 2')")
    emulator.set_fault("GET /__api__/v1/content*", status=500)
    try:
        status, body = await api(
            "POST", "publish", body={"path": path, "server": "emu", "title": "Race two"}
        )
    finally:
        emulator.clear_faults()
    assert status >= 400, body
    status, body = await api(
        "POST", "publish", body={"path": path, "server": "emu", "title": "Race two"}
    )
    assert status == 202, body
    assert (await wait_for_job(api, body["job"]["id"]))["state"] == "succeeded"


async def test_cancel_during_slow_deploy(api: Any, emulator: Any, notebook: Any) -> None:
    await _add(api, emulator)
    path = notebook("cancel/slow.ipynb", "print('slow')")
    job = await _cancel_at(api, emulator, path, "Cancel me", "GET /__api__/v1/tasks/*", "deploy")
    assert job["state"] == "cancelled"
    assert job["error"]["step"] == "deploy"
    assert "unchanged" in job["error"]["message"]
    assert (await api("GET", "deployments", path=path))[1] == {"deployments": []}
    # Connect had started a deploy task: the new item stays, with the log of that task.
    (kept,) = await _content_titled(emulator, "Cancel me")
    assert job["content_guid"] == kept["guid"]
    assert job["error"]["logs_url"].startswith(job["dashboard_url"].rstrip("/"))
    assert any(line.startswith("Kept the new content item") for line in job["full_log"])


async def test_cancel_before_upload_removes_the_new_content(
    api: Any, emulator: Any, notebook: Any
) -> None:
    await _add(api, emulator)
    path = notebook("cancel3/early.ipynb", "print('early')")
    bundles = "POST /__api__/v1/content/*/bundles"
    job = await _cancel_at(api, emulator, path, "Cancel early", bundles, "upload")
    assert job["state"] == "cancelled" and job["error"]["step"] == "upload"
    assert "logs_url" not in job["error"]
    # The content item this publish created never had a bundle deployed: it is gone again.
    assert job["content_guid"] is None
    assert not await _content_titled(emulator, "Cancel early")
    assert (await api("GET", "deployments", path=path))[1] == {"deployments": []}


async def _cancel_at(
    api: Any, emulator: Any, path: str, title: str, slow_route: str, step: str
) -> dict[str, Any]:
    """Publish with `slow_route` slowed down, cancel once the job reaches `step`; the ended job."""
    emulator.set_fault(slow_route, delay=3.0)
    try:
        status, body = await api(
            "POST", "publish", body={"path": path, "server": "emu", "title": title}
        )
        assert status == 202, body
        job_id = body["job"]["id"]
        for _ in range(200):
            _, job = await api("GET", "jobs", job_id)
            if job["step"] == step:
                break
            await asyncio.sleep(0.1)
        assert job["step"] == step, job
        assert (await api("DELETE", "jobs", job_id))[0] == 202
    finally:
        emulator.clear_faults()
    return await wait_for_job(api, job_id)


async def _content_titled(emulator: Any, title: str) -> list[dict[str, Any]]:
    response = await AsyncHTTPClient().fetch(
        f"{emulator.url}/__api__/v1/content", headers={"Authorization": f"Key {emulator.api_key}"}
    )
    return [c for c in json.loads(response.body) if c["title"] == title]


async def test_cancelled_redeploy_leaves_the_live_version(
    api: Any, emulator: Any, notebook: Any
) -> None:
    await _add(api, emulator)
    path = notebook("cancel2/live.ipynb", "print('marker-live-v1')")
    _, body = await api(
        "POST", "publish", body={"path": path, "server": "emu", "title": "Stays live"}
    )
    first = await wait_for_job(api, body["job"]["id"])
    assert first["state"] == "succeeded", first["full_log"]
    (live,) = await _content_titled(emulator, "Stays live")
    job = await _cancel_at(api, emulator, path, "Stays live", "GET /__api__/v1/tasks/*", "deploy")
    assert job["state"] == "cancelled"
    await asyncio.sleep(3)  # let the emulator finish the draft build it had started
    (after,) = await _content_titled(emulator, "Stays live")
    assert after["bundle_id"] == live["bundle_id"]  # the draft never went live
    assert after["guid"] == first["content_guid"]  # existing content is never removed


async def test_failed_first_publish_keeps_the_content_and_its_log(
    api: Any, emulator: Any, notebook: Any
) -> None:
    await _add(api, emulator)
    path = notebook("fail2/broken.ipynb", "raise ValueError('boom: bad data')")
    status, body = await api(
        "POST", "publish", body={"path": path, "server": "emu", "title": "Broken once"}
    )
    assert status == 202, body
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "failed" and job["error"]["step"] == "deploy"
    assert "\x1b" not in job["error"]["message"] and "\x1b" not in "\n".join(job["full_log"])
    assert (
        "ValueError: boom: bad data"
        in "\n".join(job["error"].get("last_lines", [])) + job["error"]["message"]
    )
    (kept,) = await _content_titled(emulator, "Broken once")
    assert job["content_guid"] == kept["guid"]
    assert kept["guid"] in job["error"]["logs_url"]
    assert (await api("GET", "deployments", path=path))[1] == {"deployments": []}
    # Publishing again finds the kept item and offers to update it.
    status, body = await api(
        "POST", "publish", body={"path": path, "server": "emu", "title": "Broken once"}
    )
    assert (status, body["reason"]) == (409, "title_conflict")
    assert [m["guid"] for m in body["matches"]] == [kept["guid"]]


async def test_failed_deploy_task_of_a_first_publish_offers_its_log(
    api: Any, emulator: Any, notebook: Any
) -> None:
    await _add(api, emulator)
    path = notebook("fail5/report.ipynb", "print('deploy task fails')")
    emulator.set_fault("deploy", fail_task=True, count=1)
    try:
        status, body = await api(
            "POST", "publish", body={"path": path, "server": "emu", "title": "Deploy task fails"}
        )
        assert status == 202, body
        job = await wait_for_job(api, body["job"]["id"])
    finally:
        emulator.clear_faults()
    assert job["state"] == "failed", job["full_log"]
    assert job["error"]["step"] == "deploy"
    assert any(line.startswith("Failed while deploying: ") for line in job["full_log"])
    (kept,) = await _content_titled(emulator, "Deploy task fails")
    assert job["content_guid"] == kept["guid"]
    assert job["error"]["logs_url"] == f"{job['dashboard_url'].rstrip('/')}/logs"
    assert kept["guid"] in job["error"]["logs_url"]
    kept_line = next(line for line in job["full_log"] if line.startswith("Kept the new content"))
    assert kept["guid"] in kept_line and "update" in kept_line and "delete" in kept_line
    assert (await api("GET", "deployments", path=path))[1] == {"deployments": []}


async def test_failed_redeploy_keeps_the_log_link(api: Any, emulator: Any, notebook: Any) -> None:
    await _add(api, emulator)
    path = notebook("fail6/report.ipynb", "print('redeploy fails')")
    _, body = await api(
        "POST", "publish", body={"path": path, "server": "emu", "title": "Redeploy fails"}
    )
    first = await wait_for_job(api, body["job"]["id"])
    assert first["state"] == "succeeded", first["full_log"]
    emulator.set_fault("deploy", fail_task=True, count=1)
    try:
        _, body = await api(
            "POST", "publish", body={"path": path, "server": "emu", "title": "Redeploy fails"}
        )
        job = await wait_for_job(api, body["job"]["id"])
    finally:
        emulator.clear_faults()
    assert job["state"] == "failed" and job["error"]["step"] == "deploy", job["full_log"]
    assert job["content_guid"] == first["content_guid"]
    assert first["content_guid"] in job["error"]["logs_url"]
    assert not any(line.startswith("Kept the new") for line in job["full_log"])
    (still,) = await _content_titled(emulator, "Redeploy fails")
    assert still["guid"] == first["content_guid"]
    _, deps = await api("GET", "deployments", path=path)
    assert [d["content_guid"] for d in deps["deployments"]] == [first["content_guid"]]


async def test_upload_failure_names_the_step_and_offers_no_task_log(
    api: Any, emulator: Any, notebook: Any
) -> None:
    """QA: an upload 503 offered "Open the content logs" before any deploy task had run."""
    await _add(api, emulator)
    path = notebook("fail4/report.ipynb", "print('never uploaded')")
    emulator.set_fault("POST /__api__/v1/content/*/bundles", status=503)
    try:
        _status, body = await api(
            "POST", "publish", body={"path": path, "server": "emu", "title": "Upload fails"}
        )
        job = await wait_for_job(api, body["job"]["id"])
    finally:
        emulator.clear_faults()
    assert job["state"] == "failed" and job["error"]["step"] == "upload", job["error"]
    assert "logs_url" not in job["error"]
    assert any(line.startswith("Failed while uploading the bundle: ") for line in job["full_log"])
    bundle = next(s for s in job["steps"] if s["id"] == "bundle")
    assert bundle["detail"].endswith(" compressed") and "manifest.json" in bundle["detail"]


async def test_broken_snapshot_is_a_render_failure_not_a_crash(
    api: Any, emulator: Any, notebook: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await _add(api, emulator)
    path = notebook("fail3/broken.ipynb", "raise ValueError('boom: snapshot')")
    _status, body = await api(
        "POST",
        "publish",
        body={"path": path, "server": "emu", "mode": "static", "title": "Broken snapshot"},
    )
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "failed"
    assert (job["error"]["step"], job["error"]["reason"]) == ("bundle", "render_failed")
    assert "Unexpected error" not in job["error"]["message"]
    assert "publish job" not in caplog.text  # no traceback logged for the user's own error


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


async def test_server_without_drafts_deploys_live_directly(
    api: Any, notebook: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from rsconnect_lab.emulator import Emulator

    old = Emulator(data_dir=tmp_path_factory.mktemp("old-connect"), version="2024.01.0")
    old.start()
    try:
        status, body = await api(
            "POST", "servers", body={"name": "old", "url": old.url, "api_key": old.api_key}
        )
        assert status == 201, body
        path = notebook("old/nb.ipynb", "print('marker-old-server')")
        status, body = await api(
            "POST", "publish", body={"path": path, "server": "old", "title": "On an old Connect"}
        )
        job = await wait_for_job(api, body["job"]["id"])
        assert job["state"] == "succeeded", job["full_log"]
        activate = next(s for s in job["steps"] if s["id"] == "activate")
        assert activate["state"] == "skipped" and "2025.06" in activate["detail"]
        page = await AsyncHTTPClient().fetch(
            job["content_url"], headers={"Authorization": f"Key {old.api_key}"}
        )
        assert "marker-old-server" in page.body.decode()
    finally:
        old.stop()
