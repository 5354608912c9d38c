"""Notebook -> HTML snapshot, executed by nbconvert in the kernel's interpreter, off the event loop.

The command is rsconnect-python's (``python -m nbconvert --execute --stdout --log-level=ERROR
--to=html``); its output goes straight to a file, never through memory. When the kernel's
environment has no nbconvert, the server's Python runs nbconvert and starts the notebook's
kernel by name instead.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .environment import notebook_kernel_name, run_probe
from .environment.probe import ProbeError


class RenderError(Exception):
    """nbconvert failed; ``message`` ends with the last lines it printed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = "render_failed"


def nbconvert_command(
    python: str,
    notebook: str,
    *,
    hide_all_input: bool = False,
    hide_tagged_input: bool = False,
    kernel_name: str | None = None,
) -> list[str]:
    cmd = [python, "-m", "nbconvert", "--execute", "--stdout", "--log-level=ERROR", "--to=html"]
    if hide_all_input:
        cmd.append("--no-input")
    elif hide_tagged_input:
        cmd.append("--TagRemovePreprocessor.remove_input_tags=hide_input")
    if kernel_name:
        cmd.append(f"--ExecutePreprocessor.kernel_name={kernel_name}")
    cmd.append(notebook)
    return cmd


async def _has_nbconvert(python: str) -> bool:
    try:
        probe = await run_probe(python)
    except ProbeError:
        return False
    return any(d.key == "nbconvert" for d in probe.distributions)


async def render_command(
    notebook_path: str | os.PathLike[str],
    *,
    python: str | None = None,
    hide_all_input: bool = False,
    hide_tagged_input: bool = False,
    kernel_name: str | None = None,
) -> list[str]:
    """The nbconvert command for this notebook: in ``python`` when it has nbconvert, else in the
    server's Python with the notebook's kernel (``kernel_name`` or the notebook's metadata)."""
    notebook = await asyncio.to_thread(os.path.abspath, notebook_path)
    python = python or sys.executable
    if python != sys.executable and not await _has_nbconvert(python):
        kernel_name = kernel_name or await asyncio.to_thread(notebook_kernel_name, notebook)
        python = sys.executable
    else:
        kernel_name = None  # the default kernel of a Python with nbconvert is itself
    return nbconvert_command(
        python,
        notebook,
        hide_all_input=hide_all_input,
        hide_tagged_input=hide_tagged_input,
        kernel_name=kernel_name,
    )


async def run_to_file(
    cmd: Sequence[str], output: Path, *, cwd: Path, timeout: float | None
) -> None:
    """Run ``cmd`` with stdout into ``output``; the process is killed if we are cancelled."""
    out = await asyncio.to_thread(open, output, "wb")
    with out:
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, err = await asyncio.wait_for(proc.communicate(), timeout)
        except asyncio.TimeoutError as exc:
            raise RenderError(f"nbconvert did not finish within {timeout:.0f} s") from exc
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    if proc.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        tail = "\n".join(lines[-15:])
        raise RenderError(f"nbconvert failed (exit code {proc.returncode}):\n{tail}")


async def render_html(
    notebook_path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    python: str | None = None,
    hide_all_input: bool = False,
    hide_tagged_input: bool = False,
    kernel_name: str | None = None,
    timeout: float | None = 600.0,
) -> Path:
    """Execute the notebook and write its HTML snapshot to ``output``; returns ``output``."""
    cmd = await render_command(
        notebook_path,
        python=python,
        hide_all_input=hide_all_input,
        hide_tagged_input=hide_tagged_input,
        kernel_name=kernel_name,
    )
    out = Path(output)
    cwd = Path(cmd[-1]).parent  # the notebook's folder, as when it runs in Jupyter
    try:
        await run_to_file(cmd, out, cwd=cwd, timeout=timeout)
    except BaseException:
        await asyncio.to_thread(out.unlink, missing_ok=True)
        raise
    return out
