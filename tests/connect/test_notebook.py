"""The README's notebook cell, run in a real kernel against the emulator."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

README_CELL = """\
from rsconnect_lab.connect import ConnectClient, errors

async with ConnectClient.from_env() as connect:
    me = await connect.me()
    print(f"{me.username} on {connect.server_url}")
    for item in await connect.content.list(owner_guid=me.guid):
        print(item.title or item.name, item.content_url)
"""


@pytest.mark.slow
def test_readme_cell_runs_in_a_kernel(emu: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECT_SERVER", emu.url)
    monkeypatch.setenv("CONNECT_API_KEY", emu.api_key)
    monkeypatch.delenv("CONNECT_INSECURE", raising=False)
    monkeypatch.delenv("CONNECT_CA_CERTIFICATE", raising=False)
    cell = nbformat.v4.new_code_cell(README_CELL)  # type: ignore[no-untyped-call]
    notebook = nbformat.v4.new_notebook(cells=[cell])  # type: ignore[no-untyped-call]
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    text = "".join(output.get("text", "") for output in notebook.cells[0].outputs)
    assert f"on {emu.url}" in text
    assert emu.api_key not in text
