"""What gets packed for a plan: the kernel's interpreter, its environment, the bundle.

The thin seam between the publish job and the environment/bundle modules, so the job reads
as a list of steps and those modules stay free of publishing policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .bundle import BundleSpec, make_bundle
from .bundle import write_manifest as _write_manifest
from .environment import Environment, detect_environment, kernel_interpreter
from .plan import PublishPlan


async def resolve_interpreter(path: Path, serverapp: Any) -> str | None:
    """The Python of the notebook's kernel (running, else its kernelspec); None: the server's."""
    if serverapp is None:
        return None
    interp = await kernel_interpreter(
        str(path),
        session_manager=getattr(serverapp, "session_manager", None),
        kernel_manager=getattr(serverapp, "kernel_manager", None),
        kernel_spec_manager=getattr(serverapp, "kernel_spec_manager", None),
    )
    return str(getattr(interp, "executable", interp)) if interp else None


async def inspect_environment(plan: PublishPlan, interpreter: str | None) -> Environment | None:
    if plan.mode == "static":
        return None  # a snapshot carries no environment (contract §4.4)
    return await detect_environment(plan.path, python=interpreter)


def _spec(plan: PublishPlan, interpreter: str | None) -> BundleSpec:
    return BundleSpec(
        path=plan.path,
        mode=plan.app_mode,
        root_dir=plan.root_dir,
        hide_input=plan.hide_input,
        extra_files=list(plan.extra_files),
        entrypoint=plan.entrypoint,
        python=interpreter,
    )


async def build_bundle(plan: PublishPlan, env: Environment | None, interpreter: str | None) -> Any:
    return await make_bundle(_spec(plan, interpreter), env)


async def write_manifest(
    plan: PublishPlan, env: Environment | None, *, overwrite: bool
) -> list[str]:
    written = await _write_manifest(_spec(plan, interpreter=None), env, overwrite=overwrite)
    return [str(Path(p).relative_to(plan.root_dir)) for p in written]
