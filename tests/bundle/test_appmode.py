"""The app mode of a Python app, guessed from the frameworks it imports."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from rsconnect_lab.bundle import APP_MODES, app_mode_from_source, detect_app_mode, guess_app_mode
from rsconnect_lab.bundle.appmode import FRAMEWORK_MODES


@pytest.mark.parametrize(
    ("source", "mode"),
    [
        ("import streamlit as st\nst.title('hi')", "python-streamlit"),
        ("from dash import Dash, html\napp = Dash(__name__)", "python-dash"),
        ("from fastapi import FastAPI\napp = FastAPI()", "python-fastapi"),
        ("from flask import Flask\napp = Flask(__name__)", "python-api"),
        ("from bokeh.plotting import curdoc, figure", "python-bokeh"),
        ("from shiny import App, ui", "python-shiny"),
        ("from shiny.express import input, render", "python-shiny"),
        ("import panel as pn\npn.panel('x').servable()", "python-panel"),
        ("import gradio as gr\ngr.Interface(fn=str)", "python-gradio"),
        # Several frameworks: the one that serves the app wins.
        ("import flask\nimport dash\nserver = flask.Flask(__name__)", "python-dash"),
        ("import panel as pn\nfrom bokeh.plotting import figure", "python-panel"),
        ("from fastapi import FastAPI\nimport gradio as gr", "python-fastapi"),
        ("from flask import Flask\nfrom bokeh.embed import components", "python-api"),
        ("import streamlit as st\nimport pandas as pd\nimport bokeh", "python-streamlit"),
        # Imports inside functions count; relative imports and look-alike names do not.
        ("def main():\n    import streamlit\n", "python-streamlit"),
        ("from . import dash\nimport dashboard\nimport flask_cors", None),
        ("import pandas as pd\nprint(pd)", None),
        ("", None),
        # Not Python at all: the import lines still tell.
        ("import streamlit as st\nthis is not python (", "python-streamlit"),
    ],
)
def test_app_mode_from_source(source: str, mode: str | None) -> None:
    assert app_mode_from_source(source) == mode


def test_every_guess_is_a_mode_connect_knows() -> None:
    assert {mode for _, mode in FRAMEWORK_MODES} <= set(APP_MODES)
    # dash imports flask, panel imports bokeh: the framework comes first.
    order = [module for module, _ in FRAMEWORK_MODES]
    assert order.index("dash") < order.index("flask")
    assert order.index("panel") < order.index("bokeh")


def test_guess_from_a_file(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text("import streamlit as st\n")
    assert guess_app_mode(app) == "python-streamlit"
    assert asyncio.run(detect_app_mode(app)) == "python-streamlit"
    assert guess_app_mode(tmp_path / "missing.py") is None
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text('{"cells": []}')
    assert guess_app_mode(notebook) is None
    binary = tmp_path / "bad.py"
    binary.write_bytes(b"\xff\xfe\x00import dash")
    assert guess_app_mode(binary) is None
