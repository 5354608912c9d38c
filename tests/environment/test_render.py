"""HTML snapshots: nbconvert in the kernel's Python, else the server's with the kernel by name."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rsconnect_lab.render import RenderError, render_command, render_html


def _nb(path: Path, source: str, kernel: str = "python3") -> Path:
    cell = {
        "cell_type": "code",
        "metadata": {"tags": ["hide_input"]},
        "outputs": [],
        "execution_count": None,
        "source": source,
    }
    nb = {
        "cells": [cell],
        "metadata": {"kernelspec": {"name": kernel, "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))
    return path


@pytest.mark.asyncio
async def test_command_in_a_python_with_nbconvert(tmp_path: Path) -> None:
    nb = _nb(tmp_path / "a.ipynb", "1")
    cmd = await render_command(nb, python=sys.executable, hide_tagged_input=True)
    assert cmd == [
        sys.executable,
        "-m",
        "nbconvert",
        "--execute",
        "--stdout",
        "--log-level=ERROR",
        "--to=html",
        "--TagRemovePreprocessor.remove_input_tags=hide_input",
        str(nb),
    ]


@pytest.mark.asyncio
async def test_kernel_env_without_nbconvert_falls_back(tmp_path: Path, kernel_python: str) -> None:
    nb = _nb(tmp_path / "a.ipynb", "print('from ' + 'the fallback')")
    cmd = await render_command(nb, python=kernel_python, hide_all_input=True)
    assert cmd[0] == sys.executable
    assert "--ExecutePreprocessor.kernel_name=python3" in cmd and "--no-input" in cmd
    out = await render_html(nb, tmp_path / "a.html", python=kernel_python, hide_tagged_input=True)
    html = out.read_text()
    assert "from the fallback" in html
    assert "print(&#39;from" not in html and "print('from" not in html


@pytest.mark.asyncio
async def test_failure_names_the_cause_and_leaves_no_file(tmp_path: Path) -> None:
    nb = _nb(tmp_path / "bad.ipynb", "raise ValueError('boom here')")
    with pytest.raises(RenderError) as info:
        await render_html(nb, tmp_path / "bad.html")
    assert "boom here" in info.value.message
    assert not (tmp_path / "bad.html").exists()
