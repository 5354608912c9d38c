"""Which kind of Python app a ``.py`` file is, guessed from the frameworks it imports."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ..environment import imported_modules

# First match wins. A framework that serves the app comes before the libraries it builds
# on or hosts: Dash runs on Flask, Panel on Bokeh, and a FastAPI or Flask app that mounts
# Gradio or Panel, or embeds Bokeh plots, is served by FastAPI or Flask.
FRAMEWORK_MODES: tuple[tuple[str, str], ...] = (
    ("streamlit", "python-streamlit"),
    ("dash", "python-dash"),
    ("shiny", "python-shiny"),
    ("fastapi", "python-fastapi"),
    # rsconnect-python's `deploy flask` / `write-manifest flask` write python-api.
    ("flask", "python-api"),
    ("gradio", "python-gradio"),
    ("panel", "python-panel"),
    ("bokeh", "python-bokeh"),
)


def app_mode_from_source(source: str) -> str | None:
    """The app mode of Python source by its framework imports; None when it imports none."""
    imports = imported_modules(source)
    for module, mode in FRAMEWORK_MODES:
        if module in imports:
            return mode
    return None


def guess_app_mode(path: Path) -> str | None:
    """The app mode of a ``.py`` file (blocking: reads the file); None when unknown or unreadable."""
    if path.suffix != ".py":
        return None
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return app_mode_from_source(source)


async def detect_app_mode(path: Path) -> str | None:
    """``guess_app_mode`` off the event loop (reading and parsing a large file takes a while)."""
    return await asyncio.to_thread(guess_app_mode, path)
