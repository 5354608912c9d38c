"""The README's notebook cells, run in a real kernel against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import static_bundle, unique

LIST_CELL = """\
from rsconnect_lab.connect import ConnectClient, errors

async with ConnectClient.from_env() as connect:
    me = await connect.me()
    print(f"{me.username} on {connect.server_url}")
    for item in await connect.content.list(owner_guid=me.guid):
        print(item.title or item.name, item.content_url)
"""

DEPLOY_CELL = """\
async with ConnectClient.from_env() as connect:
    content = await connect.content.create("NAME", title="Sales report")
    bundle = await connect.bundles.upload(content.guid, "bundle.tar.gz")   # streamed from disk
    try:
        async for line in connect.tasks.follow(await connect.deploy(content.guid, bundle.id)):
            print(line)
    except errors.TaskFailed as failure:
        print(failure.message)   # the last log lines and the content's logs URL
    else:
        print("Live at", content.content_url)
"""


@pytest.mark.slow
def test_readme_cells_run_in_a_kernel(
    emu: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CONNECT_SERVER", emu.url)
    monkeypatch.setenv("CONNECT_API_KEY", emu.api_key)
    monkeypatch.delenv("CONNECT_INSECURE", raising=False)
    monkeypatch.delenv("CONNECT_CA_CERTIFICATE", raising=False)
    static_bundle(tmp_path).rename(tmp_path / "bundle.tar.gz")
    cells = [LIST_CELL, DEPLOY_CELL.replace("NAME", unique("readme"))]
    notebook = nbformat.v4.new_notebook(  # type: ignore[no-untyped-call]
        cells=[nbformat.v4.new_code_cell(src) for src in cells]  # type: ignore[no-untyped-call]
    )
    NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    listed, deployed = (
        "".join(output.get("text", "") for output in cell.outputs) for cell in notebook.cells
    )
    assert f"on {emu.url}" in listed
    assert "Live at " + emu.url in deployed
    assert emu.api_key not in listed + deployed
