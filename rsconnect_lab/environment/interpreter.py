"""Which Python runs a notebook: its running kernel's process, else its kernelspec.

Jupyter's managers are duck-typed so that this module needs no jupyter_server import.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

from .model import Interpreter


def _looks_like_python(path: str) -> bool:
    return os.path.basename(path).lower().startswith(("python", "pypy"))


def _read_proc(pid: int, name: str) -> bytes | None:
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            return f.read()
    except OSError:
        return None


def _process_path(pid: int) -> str | None:
    """PATH of a running process (for a relative argv[0]); None when unreadable."""
    environ = _read_proc(pid, "environ")
    if environ is None:
        return None
    for item in environ.split(b"\0"):
        if item.startswith(b"PATH="):
            return os.fsdecode(item[5:])
    return None


def process_executable(pid: int) -> str | None:
    """The executable of a local process, as it was invoked.

    ``/proc/<pid>/exe`` is the resolved binary, so for a virtualenv it names the base Python and
    loses the environment; argv[0] keeps the venv's ``bin/python`` symlink, so it is preferred
    whenever it points at the same file.
    """
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None  # not Linux, or not our process
    exe = exe.removesuffix(" (deleted)")
    cmdline = _read_proc(pid, "cmdline")
    argv0 = os.fsdecode(cmdline.split(b"\0", 1)[0]) if cmdline else ""
    candidate: str | None = None
    if argv0:
        if "/" in argv0:
            cwd = _read_proc_link(pid, "cwd")
            candidate = os.path.join(cwd, argv0) if cwd and not os.path.isabs(argv0) else argv0
        else:
            candidate = shutil.which(argv0, path=_process_path(pid) or os.environ.get("PATH"))
    if candidate:
        try:
            if os.path.samefile(candidate, exe):
                return os.path.abspath(candidate)
        except OSError:
            pass
    return exe


def _read_proc_link(pid: int, name: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/{name}")
    except OSError:
        return None


def resolve_argv0(argv0: str, *, server_python: str = sys.executable) -> str | None:
    """A kernelspec's ``argv[0]`` as jupyter_client launches it: ``python``, ``python3`` and
    ``python3.X`` (of the server's own version) mean the server's interpreter; other bare
    names are looked up on PATH."""
    names = {
        "python",
        f"python{sys.version_info[0]}",
        f"python{sys.version_info[0]}.{sys.version_info[1]}",
    }
    if argv0 in names:
        return server_python
    if "{" in argv0:  # e.g. "{prefix}/bin/python" templates are not expanded by Jupyter either
        return None
    if os.sep not in argv0:
        return shutil.which(argv0)
    return argv0 if os.access(argv0, os.X_OK) else None


def notebook_kernel_name(notebook_path: str | os.PathLike[str]) -> str | None:
    """``metadata.kernelspec.name`` of a notebook file."""
    try:
        with open(notebook_path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError):
        return None
    spec = nb.get("metadata", {}).get("kernelspec", {}) if isinstance(nb, dict) else {}
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else None


async def _maybe_await(value: Any) -> Any:
    if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
        return await value
    return value


def _kernel_pid(kernel: Any) -> int | None:
    provisioner = getattr(kernel, "provisioner", None)
    for owner in (provisioner, kernel):
        pid = getattr(owner, "pid", None)
        if isinstance(pid, int):
            return pid
        process = getattr(owner, "process", None) or getattr(owner, "kernel", None)
        pid = getattr(process, "pid", None)
        if isinstance(pid, int):
            return pid
    return None


def _spec_argv(spec: Any) -> Sequence[str] | None:
    argv = getattr(spec, "argv", None)
    if argv is None and isinstance(spec, dict):
        argv = spec.get("argv")
    return argv if isinstance(argv, list) and argv and isinstance(argv[0], str) else None


async def _session_kernel(
    notebook_path: str, api_path: str | None, session_manager: Any, root_dir: str | None
) -> tuple[str | None, str | None]:
    """(kernel id, kernel name) of the session whose path is the notebook's."""
    if session_manager is None:
        return None, None
    try:
        sessions = await _maybe_await(session_manager.list_sessions())
    except Exception:
        return None, None
    target = await asyncio.to_thread(os.path.realpath, notebook_path)
    for session in sessions or ():
        path = session.get("path") or session.get("notebook", {}).get("path")
        if not isinstance(path, str):
            continue
        same = path == api_path or (
            root_dir is not None
            and await asyncio.to_thread(os.path.realpath, os.path.join(root_dir, path)) == target
        )
        kernel = session.get("kernel") or {}
        if same and kernel.get("id"):
            return str(kernel["id"]), kernel.get("name")
    return None, None


async def _spec_executable(name: str, kernel_spec_manager: Any) -> str | None:
    manager = kernel_spec_manager
    if manager is None:
        from jupyter_client.kernelspec import KernelSpecManager

        manager = KernelSpecManager()
    try:
        # Kernelspec lookup reads kernel.json files: keep the disk off the event loop.
        spec = await asyncio.to_thread(manager.get_kernel_spec, name)
    except Exception:
        return None
    argv = _spec_argv(spec)
    return resolve_argv0(argv[0]) if argv else None


async def kernel_interpreter(
    notebook_path: str,
    *,
    api_path: str | None = None,
    root_dir: str | None = None,
    session_manager: Any = None,
    kernel_manager: Any = None,
    kernel_spec_manager: Any = None,
) -> Interpreter:
    """The Python of the notebook's running kernel, else of its kernelspec, else the server's.

    ``notebook_path`` is the file on disk; a session matches when its path equals ``api_path``
    (Jupyter's contents path) or resolves to the same file under ``root_dir``.
    """
    kernel_id, kernel_name = await _session_kernel(
        notebook_path, api_path, session_manager, root_dir
    )
    if kernel_id is not None and kernel_manager is not None:
        try:
            kernel = kernel_manager.get_kernel(kernel_id)
        except Exception:
            kernel = None
        pid = _kernel_pid(kernel) if kernel is not None else None
        if pid is not None:
            exe = process_executable(pid)
            if exe and _looks_like_python(exe):
                return Interpreter(exe, "kernel", kernel_name)
        argv = _spec_argv(getattr(kernel, "kernel_spec", None))
        exe = resolve_argv0(argv[0]) if argv else None
        if exe:
            return Interpreter(exe, "kernelspec", kernel_name)
    if kernel_name:
        exe = await _spec_executable(kernel_name, kernel_spec_manager)
        if exe:
            return Interpreter(exe, "kernelspec", kernel_name)
    name = await asyncio.to_thread(notebook_kernel_name, notebook_path)
    if name:
        exe = await _spec_executable(name, kernel_spec_manager)
        if exe:
            return Interpreter(exe, "notebook", name)
    return Interpreter(sys.executable, "server", name)
