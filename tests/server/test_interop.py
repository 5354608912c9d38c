"""rsconnect-python interop: a notebook published here is redeployed by `rsconnect deploy`
to the same content, using the server and the record this extension wrote for it."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from tornado.httpclient import AsyncHTTPClient

from .conftest import wait_for_job

RSCONNECT = str(Path(sys.executable).with_name("rsconnect"))


async def test_rsconnect_cli_redeploys_what_we_published(
    api: Any, emulator: Any, notebook: Any, jp_root_dir: Path
) -> None:
    status, body = await api(
        "POST",
        "servers",
        body={"name": "emu-cli", "url": emulator.url, "api_key": emulator.api_key},
    )
    assert status == 201, body
    path = notebook("interop/shared.ipynb", "print('marker-interop')")
    status, body = await api(
        "POST",
        "publish",
        body={"path": path, "server": "emu-cli", "mode": "source", "title": "Interop report"},
    )
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "succeeded", job["full_log"]

    proc = await asyncio.create_subprocess_exec(
        RSCONNECT,
        "deploy",
        "notebook",
        "-n",
        "emu-cli",
        "--force-generate",
        str(jp_root_dir / path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "RSCONNECT_DISABLE_VERSION_CHECK": "1"},
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=240)
    text = out.decode(errors="replace")
    assert proc.returncode == 0, text
    assert job["content_guid"] in text, text  # the same content, not a new one

    client = AsyncHTTPClient()
    headers = {"Authorization": f"Key {emulator.api_key}"}
    bundles = json.loads(
        (
            await client.fetch(
                f"{emulator.url}/__api__/v1/content/{job['content_guid']}/bundles", headers=headers
            )
        ).body
    )
    assert len(bundles) >= 2
    status, deps = await api("GET", "deployments", path=path)
    assert [d["content_guid"] for d in deps["deployments"]] == [job["content_guid"]]


async def test_rsconnect_cli_redeploys_to_a_server_saved_with_a_trailing_slash(
    api: Any, emulator: Any, notebook: Any, jp_root_dir: Path, tmp_path: Path
) -> None:
    """`rsconnect add -s https://c/` stores the URL as typed and `rsconnect deploy` looks its
    record up by that exact string: our record of the publish must use it too."""
    slashed = emulator.url + "/"
    cfg = tmp_path / "xdg-config" / "rsconnect-python"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "servers.json").write_text(
        json.dumps(
            {
                "emu-slash": {
                    "name": "emu-slash",
                    "url": slashed,
                    "api_key": emulator.api_key,
                    "insecure": False,
                    "ca_cert": None,
                }
            },
            indent=4,
        )
    )
    path = notebook("interop-slash/nb.ipynb", "print('marker-interop-slash')")
    status, body = await api(
        "POST",
        "publish",
        body={"path": path, "server": "emu-slash", "mode": "source", "title": "Interop slash"},
    )
    assert status == 202, body
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "succeeded", job["full_log"]
    record = json.loads(
        (jp_root_dir / "interop-slash" / "rsconnect-python" / "nb.json").read_text()
    )
    assert list(record) == [slashed], record
    assert record[slashed]["server_url"] == slashed
    _, deps = await api("GET", "deployments", path=path)
    assert [d["server_url"] for d in deps["deployments"]] == [emulator.url]  # ours: normalised

    text = await _rsconnect_deploy("emu-slash", jp_root_dir / path)
    assert job["content_guid"] in text, text  # the same content, not a new one
    _, deps = await api("GET", "deployments", path=path)
    assert {d["content_guid"] for d in deps["deployments"]} == {job["content_guid"]}


async def _rsconnect_deploy(name: str, file: Path) -> str:
    proc = await asyncio.create_subprocess_exec(
        RSCONNECT,
        "deploy",
        "notebook",
        "-n",
        name,
        "--force-generate",
        str(file),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "RSCONNECT_DISABLE_VERSION_CHECK": "1"},
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=240)
    text = out.decode(errors="replace")
    assert proc.returncode == 0, text
    return text
