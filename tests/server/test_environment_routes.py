"""`GET/POST environment` and `POST manifest` through jp_fetch: the guessed app mode and the
warning when the Jupyter server's own Python stands in for the kernel's (the server fixtures of
tests/server/conftest.py; the auth check of every route is in test_routes.py)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

Api = Callable[..., Awaitable[tuple[int, Any]]]

STREAMLIT_APP = "import streamlit as st\n\nst.title('hello')\n"


def _app(root: Path, source: str = STREAMLIT_APP, *, requirements: bool = True) -> str:
    folder = root / "st"
    folder.mkdir(exist_ok=True)
    (folder / "app.py").write_text(source)
    if requirements:
        (folder / "requirements.txt").write_text("streamlit\n")
    return "st/app.py"


def _notebook(root: Path, name: str, kernel: str) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('hi')")]
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nbformat.write(nb, root / name)
    return name


async def test_get_environment_guesses_the_app_mode(api: Api, jp_root_dir: Path) -> None:
    path = _app(jp_root_dir)
    assert await api("GET", "environment", path=path) == (
        200,
        {"path": path, "detected_app_mode": "python-streamlit"},
    )
    (jp_root_dir / "plain.py").write_text("print('no framework')\n")
    status, body = await api("GET", "environment", path="plain.py")
    assert (status, body["detected_app_mode"]) == (200, None)
    status, body = await api("GET", "environment", path="missing.py")
    assert (status, body["reason"]) == (404, "not_found")
    status, body = await api("GET", "environment", path="../outside.py")
    assert (status, body["reason"]) == (403, "forbidden_path")


async def test_post_environment_uses_the_guess_unless_a_mode_is_given(
    api: Api, jp_root_dir: Path
) -> None:
    path = _app(jp_root_dir)
    status, env = await api("POST", "environment", body={"path": path})
    assert status == 200, env
    assert (env["mode"], env["app_mode"]) == ("app", "python-streamlit")
    assert env["detected_app_mode"] == "python-streamlit"
    # The app's own requirements.txt lists its packages: no warning about the server's Python.
    assert env["interpreter_source"] == "server"
    assert not any("Jupyter server" in w for w in env["warnings"])
    status, env = await api("POST", "environment", body={"path": path, "app_mode": "python-dash"})
    assert status == 200, env
    assert (env["app_mode"], env["detected_app_mode"]) == ("python-dash", "python-streamlit")


async def test_manifest_gets_the_guessed_app_mode(api: Api, jp_root_dir: Path) -> None:
    path = _app(jp_root_dir, "from flask import Flask\n\napp = Flask(__name__)\n")
    status, body = await api("POST", "manifest", body={"path": path, "mode": "app"})
    assert status == 201, body
    written = json.loads((jp_root_dir / "st" / "manifest.json").read_text())
    assert written["metadata"]["appmode"] == "python-api"  # as rsconnect-python's `flask`
    status, body = await api(
        "POST",
        "manifest",
        body={"path": path, "app_mode": "python-fastapi", "overwrite": True},
    )
    assert status in (200, 201), body
    written = json.loads((jp_root_dir / "st" / "manifest.json").read_text())
    assert written["metadata"]["appmode"] == "python-fastapi"


async def test_warns_when_the_servers_python_stands_in(api: Api, jp_root_dir: Path) -> None:
    path = _notebook(jp_root_dir, "ghost.ipynb", "ghost-kernel-not-installed")
    status, env = await api("POST", "environment", body={"path": path})
    assert status == 200, env
    assert env["interpreter_source"] == "server"
    assert env["kernel_name"] == "ghost-kernel-not-installed"
    assert env["source"] == "pip freeze"
    warning = env["warnings"][0]
    assert "packages listed are the Jupyter server's" in warning
    assert "kernelspec 'ghost-kernel-not-installed' is not installed" in warning
    assert "Start the notebook's kernel" in warning
    assert warning not in env["bundle"]["warnings"]

    # An installed kernelspec is the notebook's Python: no such warning.
    path = _notebook(jp_root_dir, "fine.ipynb", "python3")
    status, env = await api("POST", "environment", body={"path": path})
    assert status == 200, env
    assert env["interpreter_source"] in ("notebook", "kernelspec", "kernel")
    assert not any("Jupyter server's" in w for w in env["warnings"])
