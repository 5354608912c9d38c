"""App modes the emulator understands and how each kind is served."""

from __future__ import annotations

STATIC_MODES = ("static",)
RENDERED_MODES = ("jupyter-static",)
APP_MODES = (
    "python-dash",
    "python-api",
    "python-flask",
    "python-fastapi",
    "python-streamlit",
    "python-bokeh",
    "python-shiny",
    "python-panel",
    "python-gradio",
    "jupyter-voila",
)
SERVED_MODES = STATIC_MODES + RENDERED_MODES + APP_MODES

# v0 integer ordinals, for legacy `/applications` records.
ORDINALS = {
    "unknown": 0,
    "shiny": 1,
    "rmd-shiny": 2,
    "rmd-static": 3,
    "static": 4,
    "api": 5,
    "tensorflow-saved-model": 6,
    "jupyter-static": 7,
    "python-api": 8,
    "python-flask": 8,
    "python-dash": 9,
    "python-streamlit": 10,
    "python-bokeh": 11,
    "python-fastapi": 12,
    "quarto-shiny": 13,
    "quarto-static": 14,
    "python-shiny": 15,
    "jupyter-voila": 16,
    "python-gradio": 17,
    "python-panel": 18,
    "nodejs": 20,
}
