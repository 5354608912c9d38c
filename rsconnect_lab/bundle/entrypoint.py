"""App entrypoints guessed and checked as rsconnect-python does (including Shiny Express)."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from .files import BundleError

_APP_PREFIX = re.compile(r"^app[-_].+\.py$")
_APP_SUFFIX = re.compile(r".+[-_]app\.py$")


def default_entrypoint(directory: Path) -> str:
    """``app``/``application``/``main``/``api``, else the only ``.py`` file, else the only
    ``app-*``/``app_*``/``*-app``/``*_app`` file."""
    files = set(os.listdir(directory))
    for candidate in ("app", "application", "main", "api"):
        if candidate + ".py" in files:
            return candidate
    python_files = sorted(f for f in files if f.endswith(".py"))
    if len(python_files) == 1:
        return python_files[0][:-3]
    app_files = [f for f in python_files if _APP_PREFIX.match(f) or _APP_SUFFIX.match(f)]
    if len(app_files) == 1:
        return app_files[0][:-3]
    raise BundleError(f"Could not determine the entrypoint in {directory}; please give one.")


def validate_entrypoint(entrypoint: str | None, directory: Path) -> str:
    entrypoint = entrypoint or default_entrypoint(directory)
    if len(entrypoint.split(":")) > 2:
        raise BundleError('The entrypoint is not in "module:object" form.')
    return entrypoint


def _escape_to_var_name(text: str) -> str:
    out = []
    for i, char in enumerate(text):
        if (i == 0 and char.isdigit()) or not re.match("[a-zA-Z0-9]", char):
            out.append(f"_{ord(char):x}_")
        else:
            out.append(char)
    return "".join(out)


def is_shiny_express(app_file: Path) -> bool:
    """py-shiny's rule: a ``# shiny_mode:`` comment, else a top-level shiny.express import."""
    try:
        content = app_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    mode = re.search(r"^#[ \t]*shiny_mode:[ \t]*(\S*)[ \t]*$", content[:1000], re.MULTILINE)
    if mode and mode.group(1) in ("express", "core"):
        return mode.group(1) == "express"
    try:
        tree = ast.parse(content)
    except SyntaxError:
        return False
    for node in tree.body:
        if isinstance(node, ast.Import) and any(a.name == "shiny.express" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (
            node.module == "shiny.express"
            or (node.module == "shiny" and any(a.name == "express" for a in node.names))
        ):
            return True
    return False


def shiny_entrypoint(entrypoint: str, directory: Path) -> str:
    """Connect runs Shiny Express apps through ``shiny.express.app:<escaped file name>``."""
    app_file = entrypoint if entrypoint.lower().endswith(".py") else entrypoint + ".py"
    if is_shiny_express(directory / app_file):
        return "shiny.express.app:" + _escape_to_var_name(app_file)
    return entrypoint
