"""The environment route reports the notebook's kernel environment, not the server's."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat


def _venv_with_dist(root: Path, dist_name: str, version: str, borrow: bool = False) -> Path:
    """A venv (no pip) with one distribution of its own; its bin/python.

    `borrow` adds our site-packages through a .pth, so that ipykernel can run a kernel there.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    venv_site = next((root / "lib").glob("python3*/site-packages"))
    if borrow:
        (venv_site / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    dist = venv_site / f"{dist_name.replace('-', '_')}-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: {version}\n"
    )
    (dist / "RECORD").write_text("")
    (dist / "INSTALLER").write_text("pip\n")
    return root / "bin" / "python"


def _kernelspec(jp_data_dir: Path, name: str, argv0: Path) -> None:
    spec_dir = Path(jp_data_dir) / "kernels" / name
    spec_dir.mkdir(parents=True)
    argv = [str(argv0), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec_dir / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": name, "language": "python"})
    )


async def test_environment_of_the_notebooks_kernelspec(
    api: Any, jp_root_dir: Path, jp_data_dir: Path, tmp_path: Path
) -> None:
    python = _venv_with_dist(tmp_path / "kernel-venv", "only-in-kernel-env", "1.2.3")
    _kernelspec(jp_data_dir, "otherenv", python)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import only_in_kernel_env\nimport requests")]
    nb.metadata["kernelspec"] = {
        "name": "otherenv",
        "display_name": "Other env",
        "language": "python",
    }
    nbformat.write(nb, jp_root_dir / "other.ipynb")

    status, env = await api("POST", "environment", body={"path": "other.ipynb"})
    assert status == 200, env
    assert Path(env["python"]).parent == python.parent
    assert env["source"] == "pip freeze"
    assert "only-in-kernel-env==1.2.3" in env["packages"]
    assert not any(p.lower().startswith("jupyter") for p in env["packages"])  # not the server's
    assert any("requests" in w for w in env["warnings"])  # imported, not installed there


async def test_the_running_kernels_environment_is_listed(
    api: Any, jp_fetch: Any, jp_root_dir: Path, jp_data_dir: Path, tmp_path: Path
) -> None:
    """The kernelspec starts the kernel through a shell wrapper, so its argv[0] names no
    Python: only the running kernel's process leads to the environment's interpreter."""
    python = _venv_with_dist(tmp_path / "kernel-venv", "only-in-running-kernel", "4.5.6", True)
    wrapper = tmp_path / "start-kernel"
    wrapper.write_text(f'#!/bin/sh\nexec "{python}" "$@"\n')
    wrapper.chmod(0o755)
    _kernelspec(jp_data_dir, "wrapped", wrapper)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import only_in_running_kernel")]
    nbformat.write(nb, jp_root_dir / "running.ipynb")

    body = {"path": "running.ipynb", "type": "notebook", "kernel": {"name": "wrapped"}}
    started = await jp_fetch("api", "sessions", method="POST", body=json.dumps(body))
    session = json.loads(started.body)
    try:
        status, env = await api("POST", "environment", body={"path": "running.ipynb"})
        assert status == 200, env
        assert env["python"] == str(python)  # the venv's own bin/python, not the base binary
        assert env["interpreter_source"] == "kernel"
        assert "only-in-running-kernel==4.5.6" in env["packages"]
        assert not any("only_in_running_kernel" in w for w in env["warnings"])
    finally:
        await jp_fetch("api", "sessions", session["id"], method="DELETE")
