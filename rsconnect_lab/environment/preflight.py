"""Warnings before publishing: imports no listed package provides, a Python the server lacks."""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .requirements import canonical, requirement_name

_IMPORT_LINE = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))", re.MULTILINE)


def _strip_magics(source: str) -> str:
    """IPython syntax (``%magic``, ``!shell``, ``%%cell``) replaced so ``ast`` can parse the rest."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        lines = lines[1:]
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or stripped.endswith("?"):
            kept.append(line[: len(line) - len(stripped)] + "pass")
        else:
            kept.append(line)
    return "\n".join(kept)


def imported_modules(source: str) -> set[str]:
    """Top-level names of absolute imports in Python source (IPython syntax tolerated)."""
    names: set[str] = set()
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        for match in _IMPORT_LINE.finditer(source):
            if match.group(1):
                names.add(match.group(1).split(".")[0])
            else:
                names.update(
                    p.strip().split(".")[0].split(" ")[0] for p in match.group(2).split(",")
                )
        return {n for n in names if n.isidentifier()}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def notebook_sources(notebook: Mapping[str, Any]) -> list[str]:
    """Code cells' sources of a parsed notebook."""
    cells = notebook.get("cells") or []
    result = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            result.append("".join(source) if isinstance(source, list) else str(source))
    return result


def file_imports(path: Path) -> set[str]:
    """Imports of a notebook's code cells or of a ``.py`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    if path.suffix == ".ipynb":
        try:
            sources = notebook_sources(json.loads(text))
        except ValueError:
            return set()
        return set().union(*(imported_modules(s) for s in sources)) if sources else set()
    return imported_modules(text)


def missing_import_warnings(
    imports: Iterable[str],
    packages: Sequence[str],
    import_map: Mapping[str, Sequence[str]],
    *,
    stdlib: Iterable[str] | None = None,
    local_dir: Path | None = None,
) -> list[str]:
    """A warning for each imported module that no listed package provides.

    ``import_map`` is the kernel environment's import name -> canonical distribution names;
    ``stdlib`` its standard-library module names; modules found beside the notebook are local.
    """
    std = set(stdlib if stdlib is not None else sys.stdlib_module_names)
    listed = {n for n in (requirement_name(line) for line in packages) if n}
    warnings = []
    for module in sorted(set(imports)):
        if module in std or module.startswith("_") or module in ("__future__",):
            continue
        if local_dir is not None and (
            (local_dir / f"{module}.py").exists() or (local_dir / module / "__init__.py").exists()
        ):
            continue
        providers = import_map.get(module, ())
        if not providers:
            if canonical(module) in listed:
                continue  # a package named like the module, not installed here
            warnings.append(
                f"'{module}' is imported but is not installed in the kernel's environment"
                " and no listed package provides it."
            )
        elif not any(p in listed for p in providers):
            warnings.append(
                f"'{module}' is imported but its package ({', '.join(providers)}) is not listed."
            )
    return warnings


def server_python_warning(
    file_name: str, kernel_name: str | None, package_source: str, *, snapshot: bool = False
) -> str | None:
    """The warning when no running kernel or kernelspec of the file was found and the
    Jupyter server's own Python stands in for it: what that means, and how to fix it.

    None for an app with its own requirements.txt: an app has no kernel, and its packages are
    the listed ones (the preview still names the Python it was inspected with).
    """
    if snapshot:
        what = "the Python shown is"
    elif package_source == "requirements.txt":
        what = "the Python version and the import checks are"
    else:
        what = "the packages listed are"
    if file_name.endswith(".py"):
        if package_source == "requirements.txt" and not snapshot:
            return None
        return (
            f"No kernel runs {file_name}, so {what} those of the Jupyter server's own Python."
            f" Put a requirements.txt with the app's packages beside {file_name},"
            " then inspect again."
        )
    what += " the Jupyter server's, not the notebook kernel's"
    if kernel_name:
        return (
            f"No kernel of {file_name} is running and its kernelspec '{kernel_name}' is not"
            f" installed on this Jupyter server, so {what}. Start the notebook's kernel, or"
            f" install the kernelspec '{kernel_name}' (or select another kernel for the"
            " notebook), then inspect again."
        )
    return (
        f"No kernel of {file_name} is running and it names no kernelspec, so {what}."
        " Start the notebook's kernel (select one when asked), then inspect again."
    )


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def python_version_warnings(
    python_version: str,
    server_python_settings: Mapping[str, Any] | None,
    *,
    python_requires: str | None = None,
) -> list[str]:
    """Warn when the server offers no Python matching the local major.minor (or, when given,
    the project's requirement). ``server_python_settings`` is Connect's
    ``GET /v1/server_settings/python`` JSON."""
    if not server_python_settings:
        return []
    installs = server_python_settings.get("installations") or []
    versions = [str(i.get("version")) for i in installs if isinstance(i, dict) and i.get("version")]
    if not versions:
        return ["The server offers no Python installation."]
    offered = ", ".join(sorted(versions, key=_version_tuple))
    if python_requires:
        try:
            from packaging.specifiers import InvalidSpecifier, SpecifierSet
        except ImportError:  # pragma: no cover
            pass
        else:
            try:
                spec = SpecifierSet(python_requires)
            except InvalidSpecifier:
                return [f"The Python requirement '{python_requires}' is not a valid specifier."]
            if not any(spec.contains(v, prereleases=True) for v in versions):
                return [f"The server offers no Python matching {python_requires} ({offered})."]
            return []
    local = _version_tuple(python_version)[:2]
    if not any(_version_tuple(v)[:2] == local for v in versions):
        return [
            f"The server offers no Python {'.'.join(map(str, local))} (it has {offered}); "
            "Connect may refuse the deployment or pick another version."
        ]
    return []
