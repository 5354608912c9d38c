"""Plain data returned by environment detection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

InterpreterSource = Literal["given", "kernel", "kernelspec", "notebook", "server"]
EnvironmentSource = Literal["requirements.txt", "pip freeze"]


class EnvironmentDetectionError(Exception):
    """Environment detection failed; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Interpreter:
    """The Python that runs (or would run) a notebook's kernel."""

    executable: str
    source: InterpreterSource
    kernel_name: str | None = None


@dataclass(frozen=True)
class Environment:
    """What gets published as the Python environment of one notebook or app."""

    python: str  # executable that was inspected
    python_version: str  # "3.11.7"
    pip_version: str  # "" when pip is not installed there
    locale: str  # "en_US.UTF-8" or ""
    source: EnvironmentSource
    requirements: str  # the exact requirements.txt text that goes into the bundle
    packages: tuple[str, ...]  # requirement lines without comments and options
    warnings: tuple[str, ...] = ()
    python_requires: str | None = None  # manifest environment.python.requires
    package_file: str = "requirements.txt"
    installed: Mapping[str, str] = field(default_factory=dict)  # canonical name -> version
    kernel_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The shape of ``POST /rsconnect-lab/environment``."""
        return {
            "python": self.python,
            "python_version": self.python_version,
            "pip_version": self.pip_version,
            "locale": self.locale,
            "source": self.source,
            "packages": list(self.packages),
            "warnings": list(self.warnings),
            "python_requires": self.python_requires,
        }
