"""The project's Python requirement, found as rsconnect-python finds it (manifest
``environment.python.requires``): ``.python-version``, else ``pyproject.toml``
``project.requires-python``, else ``setup.cfg`` ``options.python_requires``."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from typing import Any

try:
    import tomllib

    _toml_loads: Any = tomllib.loads
except ImportError:  # Python 3.10: tomli when installed, else pyproject.toml is skipped
    try:
        import tomli

        _toml_loads = tomli.loads
    except ImportError:
        _toml_loads = None

_OPERATORS = r"(===|==|!=|<=|>=|<|>|~=)"
_VALID = re.compile(rf"^({_OPERATORS}?\d+(\.[\d\*]+)*)+$")


class InvalidConstraint(ValueError):
    pass


def adapt_python_requires(text: str) -> str:
    """``3.11`` -> ``~=3.11.0``, ``3`` -> ``~=3.0``, ``3.*`` -> ``==3.*``; specifiers kept."""
    result = []
    for raw in text.split(","):
        constraint = raw.strip()
        if "@" in constraint or "-" in constraint or "/" in constraint:
            raise InvalidConstraint(f"python implementations are not supported: {constraint}")
        if "b" in constraint or "rc" in constraint or "a" in constraint:
            raise InvalidConstraint(f"pre-release versions are not supported: {constraint}")
        if _VALID.match(constraint) is None:
            raise InvalidConstraint(f"invalid python version: {constraint}")
        if re.search(_OPERATORS, constraint):
            result.append(constraint)
        elif "*" in constraint:
            result.append(f"=={constraint}")
        else:
            result.append("~=" + ".".join([*constraint.split(".")[:2], "0"]))
    return ",".join(result)


def _from_pyproject(path: Path) -> str | None:
    if _toml_loads is None:
        return None
    value = _toml_loads(path.read_text()).get("project", {}).get("requires-python")
    return str(value) if value else None


def _from_setup_cfg(path: Path) -> str | None:
    config = configparser.ConfigParser()
    config.read(path)
    return config.get("options", "python_requires", fallback=None)


def detect_python_requires(directory: Path) -> tuple[str | None, list[str]]:
    """The requirement (or None) and warnings about files that could not be used."""
    warnings: list[str] = []
    readers = (
        (".python-version", lambda p: adapt_python_requires(p.read_text().strip())),
        ("pyproject.toml", _from_pyproject),
        ("setup.cfg", _from_setup_cfg),
    )
    for name, reader in readers:
        path = directory / name
        if not path.is_file():
            continue
        try:
            value = reader(path)
        except (InvalidConstraint, ValueError, OSError, configparser.Error) as exc:
            warnings.append(f"Ignored the Python version in {name}: {exc}")
            continue
        if value:
            return value, warnings
    return None, warnings
