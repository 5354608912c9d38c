"""What the publish form shows before anything is published: environment, pre-flight
warnings, the bundle's files; and "write manifest" for git-backed publishing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .bundle import detect_app_mode
from .connect import ConnectClient
from .connect.errors import ConnectError
from .environment import server_python_warning
from .packaging import inspect_environment, preview, resolve_interpreter, write_manifest
from .paths import check_file, relative_to_root, resolve_in_root
from .plan import PublishPlan


async def with_defaults(root_dir: Path, body: Mapping[str, Any]) -> dict[str, Any]:
    """The request with the form's defaults filled in: a ``.py`` is an app, anything else a
    notebook published with its source; an app without an ``app_mode`` gets the one its
    imports suggest (the user's choice, or a deployment record's, is sent and always wins)."""
    path = str(body.get("path", ""))
    result = dict(body)
    if not result.get("mode"):
        result["mode"] = "app" if path.endswith(".py") else "source"
    if result["mode"] == "app" and not result.get("app_mode") and path:
        guessed = await detect_app_mode(resolve_in_root(root_dir, path))
        if guessed:
            result["app_mode"] = guessed
    return result


async def file_facts(root_dir: Path, api_path: str) -> dict[str, Any]:
    """What is known of a file without inspecting its environment (cheap, for the form's
    defaults): the app mode a ``.py`` file's imports suggest, None when they suggest none."""
    path = resolve_in_root(root_dir, api_path)
    await check_file(path, (".py", ".ipynb"))
    return {
        "path": relative_to_root(root_dir, path),
        "detected_app_mode": await detect_app_mode(path),
    }


async def describe(
    plan: PublishPlan, serverapp: Any, client: ConnectClient | None
) -> dict[str, Any]:
    interpreter = await resolve_interpreter(plan, serverapp)
    python_settings: dict[str, Any] | None = None
    if client is not None:
        try:
            settings = await client.python_settings()
            python_settings = dict(settings.raw)
        except ConnectError:
            python_settings = None  # the warning is a nicety; publishing reports real failures
    env = await inspect_environment(
        plan, interpreter, server_python_settings=python_settings, always=True
    )
    assert env is not None
    source = interpreter.source if interpreter else "server"
    kernel_name = interpreter.kernel_name if interpreter else None
    warnings = list(env.warnings)
    if source == "server":
        warning = server_python_warning(
            plan.path.name, kernel_name, env.source, snapshot=plan.mode == "static"
        )
        if warning:
            warnings.insert(0, warning)
    preview_json = (await preview(plan, env)).to_json()
    for item in preview_json["files"]:
        item.pop("source", None)  # the server's own paths stay on the server
    return {
        "path": plan.rel_path,
        "mode": plan.mode,
        "app_mode": plan.app_mode,
        "detected_app_mode": await detect_app_mode(plan.path) if plan.mode == "app" else None,
        "interpreter_source": source,
        "kernel_name": kernel_name,
        **env.to_json(),
        "warnings": warnings,
        # The preview repeats the environment's warnings; the form shows each once.
        "bundle": {
            **preview_json,
            "warnings": [w for w in preview_json["warnings"] if w not in env.warnings],
        },
    }


async def write_manifest_beside(
    plan: PublishPlan, serverapp: Any, *, overwrite: bool
) -> dict[str, Any]:
    interpreter = await resolve_interpreter(plan, serverapp)
    env = await inspect_environment(plan, interpreter, always=True)
    return await write_manifest(plan, env, overwrite=overwrite)
