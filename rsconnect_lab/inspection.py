"""What the publish form shows before anything is published: environment, pre-flight
warnings, the bundle's files; and "write manifest" for git-backed publishing."""

from __future__ import annotations

from typing import Any

from .connect import ConnectClient
from .connect.errors import ConnectError
from .packaging import inspect_environment, preview, resolve_interpreter, write_manifest
from .plan import PublishPlan


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
    preview_json = (await preview(plan, env)).to_json()
    for item in preview_json["files"]:
        item.pop("source", None)  # the server's own paths stay on the server
    return {
        "path": plan.rel_path,
        "mode": plan.mode,
        "app_mode": plan.app_mode,
        "interpreter_source": interpreter.source if interpreter else "server",
        "kernel_name": interpreter.kernel_name if interpreter else None,
        **env.to_json(),
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
