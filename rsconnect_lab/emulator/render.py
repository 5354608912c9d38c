"""Execute a notebook with nbconvert in a child process and keep the HTML."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from .tasks import TaskFailed

_ERROR_LINE = re.compile(r"^\s*[A-Za-z_][\w.]*(Error|Exception|Interrupt)\b.*")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def nbconvert_args(
    python: str, notebook: str, out_dir: Path, manifest: dict[str, Any]
) -> list[str]:
    args = [
        python,
        "-m",
        "nbconvert",
        "--execute",
        "--to",
        "html",
        "--output-dir",
        str(out_dir),
        "--output",
        "index",
        "--ExecutePreprocessor.timeout=600",
    ]
    jupyter = manifest.get("jupyter") if isinstance(manifest.get("jupyter"), dict) else {}
    if (jupyter or {}).get("hide_all_input"):
        args.append("--no-input")
    if (jupyter or {}).get("hide_tagged_input"):
        args += [
            "--TagRemovePreprocessor.enabled=True",
            "--TagRemovePreprocessor.remove_input_tags=hide_input",
        ]
    return [*args, notebook]


_NOISE = "Kernel is running over TCP without encryption"


async def render_notebook(
    python: str,
    src: Path,
    notebook: str,
    out_dir: Path,
    manifest: dict[str, Any],
    env: Mapping[str, str],
    log: Callable[[str], None],
    on_start: Callable[[asyncio.subprocess.Process], Awaitable[None]] | None = None,
) -> None:
    """Write out_dir/index.html; TaskFailed with the notebook's error when execution fails.

    `on_start` hears of the nbconvert process as soon as it runs (it is Connect's job)."""
    await asyncio.to_thread(shutil.rmtree, out_dir, True)
    await asyncio.to_thread(out_dir.mkdir, parents=True)
    proc = await asyncio.create_subprocess_exec(
        *nbconvert_args(python, notebook, out_dir, manifest),
        cwd=src,
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert proc.stdout is not None
    if on_start is not None:
        await on_start(proc)
    lines: list[str] = []
    try:
        async for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            lines.append(line)
            if _NOISE not in line:  # ipykernel's note about local TCP, on every run
                log(line)
        code = await proc.wait()
    except asyncio.CancelledError:
        proc.kill()
        raise
    if code != 0 or not (out_dir / "index.html").is_file():
        plain = [_ANSI.sub("", ln) for ln in lines]
        # The notebook's own exception, not nbclient's wrapper around it.
        errors = [
            ln.strip() for ln in plain if _ERROR_LINE.match(ln) and "CellExecutionError" not in ln
        ]
        reason = errors[-1] if errors else next((ln for ln in reversed(plain) if ln.strip()), "")
        raise TaskFailed(
            f"Error code: jupyter-render-failed. Executing {notebook} failed "
            f"(exit status {code}): {reason}"
        )
