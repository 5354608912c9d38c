"""What one publish will do, checked and settled before any work starts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bundle import APP_MODES, canonical_mode, detect_app_mode
from .paths import check_file, check_notebook, relative_to_root, resolve_in_root
from .publish_errors import PublishError

MODES = {"static": "static", "source": "jupyter-static", "voila": "jupyter-voila"}
HIDE_INPUT = ("none", "all", "tagged")
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class PublishPlan:
    path: Path  # absolute, inside root_dir
    rel_path: str  # as the browser names it
    root_dir: Path
    mode: str  # static | source | voila | app
    app_mode: str  # Connect's app_mode string
    title: str
    content_guid: str | None = None
    new: bool = False
    check_title: bool = False  # with new: still refuse a title the user already has
    hide_input: str = "none"  # none | all | tagged
    extra_files: list[Path] = field(default_factory=list)
    entrypoint: str | None = None
    env_vars: dict[str, str] = field(default_factory=dict, repr=False)  # values are secrets


def default_title(path: Path) -> str:
    return path.stem[:1024].rjust(3, "0")


async def make_plan(root_dir: Path, body: Mapping[str, Any]) -> PublishPlan:
    """Turn a browser request into a checked plan; raises a PublishError/PathError on bad input."""
    path = resolve_in_root(root_dir, str(body.get("path", "")))
    mode = str(body.get("mode") or "source")
    if mode not in (*MODES, "app"):
        raise PublishError(
            f"Unknown publish mode '{mode}': use static, source, voila or app.", "invalid_input"
        )
    if mode == "app":
        await check_file(path, (".py",))
        # Without a type from the browser, the file's imports tell it (Dash when they do not).
        guessed = None if body.get("app_mode") else await detect_app_mode(path)
        requested = str(body.get("app_mode") or guessed or "python-dash")
        try:
            app_mode = canonical_mode(requested)  # python-flask is python-api
        except ValueError:
            app_mode = ""
        if app_mode not in APP_MODES:
            raise PublishError(f"Unknown app mode '{requested}'.", "invalid_input")
    else:
        await check_notebook(path)
        app_mode = MODES[mode]
    title = str(body.get("title") or default_title(path)).strip()
    if not 3 <= len(title) <= 1024:
        raise PublishError("A title is 3 to 1024 characters long.", "invalid_field")
    hide = body.get("hide_input", "none")
    hide_input = "all" if hide is True else "none" if hide in (False, None) else str(hide)
    if hide_input not in HIDE_INPUT:
        raise PublishError("hide_input is one of none, all, tagged.", "invalid_input")
    extra_files = []
    for item in body.get("extra_files") or []:
        extra = resolve_in_root(root_dir, str(item))
        if path.parent != extra and path.parent not in extra.parents:
            raise PublishError(
                f"'{item}' is not in the folder of '{path.name}': extra files must lie beside it.",
                "forbidden_path",
                403,
            )
        extra_files.append(extra)
    env_vars = body.get("env_vars") or {}
    if not isinstance(env_vars, dict) or not all(
        isinstance(k, str) and ENV_NAME_RE.match(k) and isinstance(v, str)
        for k, v in env_vars.items()
    ):
        raise PublishError(
            "Environment variables are names (letters, digits, '_') with text values.",
            "invalid_input",
        )
    entrypoint = body.get("entrypoint") or None
    if entrypoint is not None and (not isinstance(entrypoint, str) or entrypoint.count(":") > 1):
        raise PublishError("An entrypoint is 'module' or 'module:object'.", "invalid_input")
    return PublishPlan(
        path=path,
        rel_path=relative_to_root(root_dir, path),
        root_dir=root_dir,
        mode=mode,
        app_mode=app_mode,
        title=title,
        content_guid=str(body["content_guid"]) if body.get("content_guid") else None,
        new=bool(body.get("new", False)),
        check_title=bool(body.get("check_title", False)),
        hide_input=hide_input,
        extra_files=extra_files,
        entrypoint=entrypoint,
        env_vars=dict(env_vars),
    )
