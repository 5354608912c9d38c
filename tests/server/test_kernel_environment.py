"""The environment route reports the notebook's kernel environment, not the server's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat


def _venv_with_fake_dist(root: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = next((root / "lib").glob("python3*/site-packages"))
    dist = site / "only_in_kernel_env-1.2.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: only-in-kernel-env\nVersion: 1.2.3\n"
    )
    (dist / "RECORD").write_text("")
    (dist / "INSTALLER").write_text("pip\n")
    return root / "bin" / "python"


async def test_environment_of_the_notebooks_kernelspec(
    api: Any, jp_root_dir: Path, jp_data_dir: Path, tmp_path: Path
) -> None:
    python = _venv_with_fake_dist(tmp_path / "kernel-venv")
    spec_dir = Path(jp_data_dir) / "kernels" / "otherenv"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Other env",
                "language": "python",
            }
        )
    )
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
