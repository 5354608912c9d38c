"""What one publish will do, checked and settled before any work starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
