"""What gets packed for a plan: the kernel's interpreter, its environment, the bundle.

The seam between the publish job and the environment/bundle modules, so the job reads as a
list of steps and those modules stay free of publishing policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .bundle import Bundle, BundlePreview, BundleSpec, make_bundle, preview_bundle
from .bundle import write_manifest as _write_manifest
from .environment import Environment, Interpreter, detect_environment, kernel_interpreter
from .plan import PublishPlan


async def resolve_interpreter(plan: PublishPlan, serverapp: Any) -> Interpreter | None:
    """The Python of the notebook's kernel (running, else its kernelspec); None: the server's."""
    if serverapp is None:
        return None
    return await kernel_interpreter(
        str(plan.path),
        api_path=plan.rel_path,
        root_dir=str(plan.root_dir),
        session_manager=getattr(serverapp, "session_manager", None),
        kernel_manager=getattr(serverapp, "kernel_manager", None),
        kernel_spec_manager=getattr(serverapp, "kernel_spec_manager", None),
    )


async def inspect_environment(
    plan: PublishPlan,
    interpreter: Interpreter | None,
    *,
    server_python_settings: Mapping[str, Any] | None = None,
    always: bool = False,
) -> Environment | None:
    if plan.mode == "static" and not always:
        return None  # a snapshot carries no environment (contract §4.4)
    return await detect_environment(
        plan.path, python=interpreter, server_python_settings=server_python_settings
    )


def _spec(plan: PublishPlan, interpreter: Interpreter | None) -> BundleSpec:
    return BundleSpec(
        path=plan.path,
        mode=plan.app_mode,
        root_dir=plan.root_dir,
        hide_input=plan.hide_input,
        extra_files=list(plan.extra_files),
        entrypoint=plan.entrypoint,
        python=interpreter.executable if interpreter else None,
        # A snapshot rendered by the server's nbconvert must still run the notebook's kernel.
        kernel_name=interpreter.kernel_name if interpreter else None,
    )


async def build_bundle(
    plan: PublishPlan, env: Environment | None, interpreter: Interpreter | None
) -> Bundle:
    return await make_bundle(_spec(plan, interpreter), env)


async def preview(plan: PublishPlan, env: Environment | None) -> BundlePreview:
    return await preview_bundle(_spec(plan, None), env)


async def write_manifest(
    plan: PublishPlan, env: Environment | None, *, overwrite: bool
) -> dict[str, Any]:
    written = await _write_manifest(_spec(plan, None), env, overwrite=overwrite)
    rel = [str(Path(p).relative_to(plan.root_dir)) for p in written.created]
    kept = [str(Path(p).relative_to(plan.root_dir)) for p in written.skipped]
    return {"created": rel, "skipped": kept, "manifest": written.manifest}
