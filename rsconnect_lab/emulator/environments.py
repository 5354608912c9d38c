"""Which Python runs content: the emulator's own, or a virtualenv built from requirements."""

from __future__ import annotations

import asyncio
import glob
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .tasks import TaskFailed

_PROBE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
_found: dict[str | None, list[dict[str, str]]] = {}


def python_candidates(preferred: str | None = None) -> list[str]:
    """Interpreter paths worth asking for their version, without duplicates of one file."""
    if preferred:  # an interpreter chosen with --python is the only one offered
        return [preferred]
    names = [sys.executable]
    for name in ["python3", *[f"python3.{minor}" for minor in range(6, 16)]]:
        if found := shutil.which(name):
            names.append(found)
    for pattern in ("/usr/bin/python3.*", "/usr/local/bin/python3.*"):
        names += sorted(p for p in glob.glob(pattern) if p[-1].isdigit())
    unique: dict[str, str] = {}
    for name in names:
        # /usr/bin/python3 and /usr/bin/python3.11 are one interpreter: ask it once.
        unique.setdefault(os.path.realpath(name), name)
    return list(unique.values())


async def _version_of(exe: str, timeout: float = 10.0) -> str | None:
    try:
        proc = await asyncio.create_subprocess_exec(
            exe,
            "-c",
            _PROBE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            stdin=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        return None
    finally:
        # A stop (cancellation) or a hung interpreter must not leave the child behind:
        # the emulator's process would wait for it at exit.
        if proc.returncode is None:
            proc.kill()
            await asyncio.shield(proc.wait())
    return out.decode().strip() or None


async def find_pythons(preferred: str | None = None) -> list[dict[str, str]]:
    """Python interpreters really present on this machine, one per version (cached).

    Each entry is Connect's installation shape plus the interpreter's ``path`` (kept
    out of API answers). The emulator's own Python comes first, so it wins for its
    version; an interpreter given with ``--python`` (``preferred``) is the only one.
    All are asked at once, as child processes that a stop cancels (pyenv shims alone
    take a noticeable time each).
    """
    if preferred in _found:
        return _found[preferred]
    candidates = python_candidates(preferred)
    versions = await asyncio.gather(*(_version_of(exe) for exe in candidates))
    seen: dict[str, dict[str, str]] = {}
    for exe, version in zip(candidates, versions, strict=True):
        if version and version not in seen:
            seen[version] = {
                "version": version,
                "cluster_name": "Local",
                "image_name": "Local",
                "path": exe,
            }
    listed = list(seen.values())
    # The first candidate (ours, or --python) leads; the rest newest first.
    result = listed[:1] + sorted(listed[1:], key=lambda i: version_key(i["version"]), reverse=True)
    _found[preferred] = result
    return result


def version_key(version: str) -> tuple[int, ...]:
    """Comparable numbers of a dotted version, each part's leading digits (`0-dev+3` → 0)."""
    return tuple(int(m.group()) if (m := re.match(r"\d+", p)) else 0 for p in version.split("."))


def choose_python(
    installations: list[dict[str, str]],
    requested: str | None,
    requires: str | None,
) -> dict[str, str]:
    """The installation Connect would pick for a bundle, or TaskFailed naming what exists.

    As Connect does: a ``requires`` specifier (``environment.python.requires``, honoured
    from 2025.03; the caller passes None for older versions) takes precedence and picks
    the newest match; otherwise the same major.minor as the bundle's ``python.version``.
    Within a series the first (preferred) installation wins when it is of that series,
    because the emulator's own Python carries the packages content needs (Connect would
    install them); otherwise the exact patch release, else the newest. Without either,
    the preferred installation.
    """
    if not installations:
        raise TaskFailed("Error code: python-unavailable. This server offers no Python.")
    offered = ", ".join(i["version"] for i in installations)
    if requires:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            spec = SpecifierSet(requires)
        except InvalidSpecifier:
            raise TaskFailed(
                f"Error code: python-requires-invalid. The bundle's Python requirement"
                f" {requires!r} is not a valid version specifier."
            ) from None
        matching = [i for i in installations if spec.contains(i["version"], prereleases=True)]
        if not matching:
            raise TaskFailed(
                f"Error code: python-version-unavailable. Unable to find a Python installation"
                f" satisfying {requires}. Available versions: {offered}."
            )
        return max(matching, key=lambda i: version_key(i["version"]))
    if not requested:
        return installations[0]
    series = version_key(requested)[:2]
    same = [i for i in installations if version_key(i["version"])[:2] == series]
    if not same:
        raise TaskFailed(
            f"Error code: python-version-unavailable. Unable to find a Python installation"
            f" matching the requested version {requested} (major.minor"
            f" {'.'.join(map(str, series))}). Available versions: {offered}."
        )
    if same[0] is installations[0]:
        return same[0]
    exact = [i for i in same if i["version"] == requested]
    return (exact or same)[0]


async def _stream(args: list[str], log: Callable[[str], None], cwd: Path | None = None) -> int:
    proc = await asyncio.create_subprocess_exec(
        *args, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    assert proc.stdout is not None
    async for raw in proc.stdout:
        log(raw.decode("utf-8", "replace").rstrip())
    return await proc.wait()


def _requirements_text(src: Path, req: Path) -> str:
    # Only a file of the bundle itself: a manifest cannot make pip read files outside it.
    inside = req.is_file() and req.resolve().parent == src.resolve()
    return req.read_text() if inside else ""


async def python_for(
    base: str,
    build_venvs: bool,
    venvs: Path,
    src: Path,
    manifest: dict[str, Any],
    log: Callable[[str], None],
    locks: Callable[[str], asyncio.Lock],
) -> str:
    """The interpreter for this bundle. With build_venvs, a venv per requirements set (cached)."""
    if not build_venvs:
        return base
    pm = (manifest.get("python") or {}).get("package_manager") or {}
    req = src / (pm.get("package_file") or "requirements.txt")
    text = await asyncio.to_thread(_requirements_text, src, req)
    key = hashlib.sha256(f"{base}\n{text}".encode()).hexdigest()[:16]
    venv = venvs / key
    python = str(venv / "bin" / "python")
    lock = locks(f"venv:{key}")
    async with lock:
        if (venv / ".ready").is_file():
            log(f"Using cached Python environment {key}.")
            return python
        log(f"Building Python environment {key} from {req.name}...")
        shutil.rmtree(venv, ignore_errors=True)
        if await _stream([base, "-m", "venv", str(venv)], log):
            raise TaskFailed("Error code: python-environment-failed. Creating the venv failed.")
        await _layer_on(base, python)
        if text.strip():
            code = await _stream(
                [python, "-m", "pip", "install", "--disable-pip-version-check", "-r", str(req)],
                log,
                cwd=src,
            )
            if code:
                raise TaskFailed(
                    f"Error code: python-package-install-failed. pip exited with status {code}."
                )
        (venv / ".ready").write_text(key)
    return python


async def _layer_on(base: str, python: str) -> None:
    """Make the base interpreter's packages visible underneath the new venv (a .pth file).

    `--system-site-packages` is not enough when the base is itself a venv (ours is): it
    would expose the system Python's packages, not the ones the emulator runs with. Layered
    like this, pip installs only what is missing, which also works offline.
    """
    code = "import json, site, sysconfig; print(json.dumps([sysconfig.get_paths()['purelib']]))"
    paths = [await _capture([base, "-c", code]), await _capture([python, "-c", code])]
    base_paths, (own,) = (json.loads(p) for p in paths)
    pth = Path(own, "_emulator_base.pth")
    await asyncio.to_thread(pth.write_text, "\n".join(base_paths) + "\n")


async def _capture(args: list[str]) -> str:
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    return out.decode()


def content_env(root: str, guid: str, values: dict[str, str]) -> dict[str, str]:
    """Environment for content processes: ours, the content's variables, Connect's markers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(values)
    env.update(
        {
            "CONNECT_SERVER": root + "/",
            "CONNECT_CONTENT_GUID": guid,
            "RSTUDIO_PRODUCT": "CONNECT",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env
