"""A running kernel from a second virtual environment: its process tells which Python to list.

The kernelspec starts the kernel through a shell wrapper, so the kernelspec's argv[0] does not
name any Python: only the running kernel's process can lead to the environment's interpreter.
"""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat


def _venv_with_kernel(root: Path) -> Path:
    """A venv (no pip) with one distribution of its own; ipykernel comes from ours via a .pth."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    venv_site = next((root / "lib").glob("python3*/site-packages"))
    (venv_site / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    dist = venv_site / "only_in_running_kernel-4.5.6.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: only-in-running-kernel\nVersion: 4.5.6\n"
    )
    (dist / "RECORD").write_text("")
    (dist / "INSTALLER").write_text("pip\n")
    return root / "bin" / "python"


async def test_the_running_kernels_environment_is_listed(
    api: Any, jp_fetch: Any, jp_root_dir: Path, jp_data_dir: Path, tmp_path: Path
) -> None:
    python = _venv_with_kernel(tmp_path / "kernel-venv")
    wrapper = tmp_path / "start-kernel"
    wrapper.write_text(f'#!/bin/sh\nexec "{python}" "$@"\n')
    wrapper.chmod(0o755)
    spec_dir = Path(jp_data_dir) / "kernels" / "wrapped"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(wrapper), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Wrapped env",
                "language": "python",
            }
        )
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import only_in_running_kernel")]
    nbformat.write(nb, jp_root_dir / "running.ipynb")

    started = await jp_fetch(
        "api",
        "sessions",
        method="POST",
        body=json.dumps(
            {"path": "running.ipynb", "type": "notebook", "kernel": {"name": "wrapped"}}
        ),
    )
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
