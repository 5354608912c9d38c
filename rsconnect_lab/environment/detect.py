"""detect_environment: the interpreter's facts plus requirements.txt or its frozen package list."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .model import Environment, EnvironmentDetectionError, Interpreter
from .preflight import file_imports, missing_import_warnings, python_version_warnings
from .probe import Probe, run_probe
from .python_requires import detect_python_requires
from .requirements import Filtered, freeze_lines, generated_text, read_requirements


def _project_dir(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def _gather(
    path: Path, probe: Probe, requirements_file: str, force_generate: bool
) -> tuple[str, Filtered, str | None, list[str], list[str]]:
    """The blocking part (reading files), run in a thread."""
    path = path.absolute()
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    directory = _project_dir(path)
    installed = {d.key: d.version for d in probe.distributions}
    warnings: list[str] = []
    req_path = directory / requirements_file
    if req_path.is_file() and not force_generate:
        source = "requirements.txt"
        filtered = read_requirements(req_path, installed)
    else:
        source = "pip freeze"
        filtered = freeze_lines(probe.distributions)
    requires, req_warnings = detect_python_requires(directory)
    warnings.extend(req_warnings)
    if (directory / "manifest.json").exists():
        warnings.append("The existing manifest.json is not used; a new one is generated.")
    if path.is_file():
        imports = file_imports(path)
    else:  # an app folder: its top-level modules
        imports = set().union(*(file_imports(p) for p in sorted(directory.glob("*.py"))))
    packages = _package_lines(filtered.lines)
    missing = missing_import_warnings(
        imports, packages, probe.import_map(), stdlib=probe.stdlib, local_dir=directory
    )
    return source, filtered, requires, warnings, missing


def _package_lines(lines: list[str]) -> tuple[str, ...]:
    return tuple(
        line.strip() for line in lines if line.strip() and not line.lstrip().startswith(("#", "-"))
    )


async def detect_environment(
    notebook_path: str | os.PathLike[str],
    *,
    python: str | Interpreter | None = None,
    server_python_settings: Mapping[str, Any] | None = None,
    requirements_file: str = "requirements.txt",
    force_generate: bool = False,
) -> Environment:
    """Describe the Python environment a notebook (or app file/folder) is published with.

    ``python`` is the kernel's interpreter (see ``kernel_interpreter``); None means the server's.
    ``requirements.txt`` beside the file wins over the interpreter's frozen package list unless
    ``force_generate``. ``server_python_settings`` (Connect's python settings JSON) adds a
    warning when the server has no matching Python.
    """
    path = Path(notebook_path)
    if isinstance(python, Interpreter):
        executable, kernel_name = python.executable, python.kernel_name
    else:
        executable, kernel_name = python or sys.executable, None
    probe = await run_probe(executable)
    try:
        source, filtered, requires, warnings, missing = await asyncio.to_thread(
            _gather, path, probe, requirements_file, force_generate
        )
    except FileNotFoundError as exc:
        raise EnvironmentDetectionError(str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvironmentDetectionError(f"cannot read {requirements_file}: {exc}") from exc
    if source == "requirements.txt":
        text = "\n".join(filtered.lines)
    else:
        text = generated_text(filtered.lines)
    packages = _package_lines(filtered.lines)
    warnings = [*filtered.warnings, *warnings]
    if not probe.pip:
        warnings.append(f"pip is not installed in {executable}; its version is left empty.")
    warnings += missing
    warnings += python_version_warnings(
        probe.python, server_python_settings, python_requires=requires
    )
    return Environment(
        python=executable,
        python_version=probe.python,
        pip_version=probe.pip,
        locale=probe.locale,
        source="requirements.txt" if source == "requirements.txt" else "pip freeze",
        requirements=text,
        packages=packages,
        warnings=tuple(warnings),
        python_requires=requires,
        installed={d.key: d.version for d in probe.distributions},
        kernel_name=kernel_name,
    )
