"""Each Python app mode starts and answers through the proxy (skipped when its framework is absent)."""

from __future__ import annotations

import pytest
import websocket

from tests.emulator.helpers import Api, make_bundle, notebook

pytestmark = pytest.mark.slow


def bokeh_text(url: str) -> list[str]:
    """Open a real Bokeh session over the proxied WebSocket; the roots' text."""
    from bokeh.client import pull_session

    with pull_session(url=url) as session:
        return [getattr(r, "text", getattr(r, "object", "")) for r in session.document.roots]


def deploy_app(api: Api, mode: str, files: dict[str, str], entrypoint: str) -> str:
    manifest = {"version": 1, "metadata": {"appmode": mode, "entrypoint": entrypoint}}
    g = api.create()["guid"]
    task = api.deploy(g, make_bundle(manifest, {"requirements.txt": "", **files}))
    assert task["code"] == 0, task["output"]
    return g


def test_python_flask_mode_alias(admin: Api) -> None:
    pytest.importorskip("flask")
    app = "from flask import Flask\napp = Flask(__name__)\n@app.get('/')\ndef i():\n    return 'flask mode'\n"
    g = deploy_app(admin, "python-flask", {"app.py": app}, "app:app")
    assert admin.page(f"/content/{g}/").text == "flask mode"


def test_python_shiny(admin: Api) -> None:
    pytest.importorskip("shiny")
    app = (
        "from shiny import App, ui\n"
        "app_ui = ui.page_fluid(ui.h2('Hello from shiny'))\n"
        "app = App(app_ui, None)\n"
    )
    g = deploy_app(admin, "python-shiny", {"app.py": app}, "app:app")
    page = admin.page(f"/content/{g}/")
    assert page.status_code == 200 and "Hello from shiny" in page.text


def test_python_streamlit(admin: Api) -> None:
    pytest.importorskip("streamlit")
    g = deploy_app(
        admin, "python-streamlit", {"app.py": "import streamlit as st\nst.write('hi')\n"}, "app.py"
    )
    assert admin.page(f"/content/{g}/_stcore/health").text == "ok"
    page = admin.page(f"/content/{g}/")
    assert page.status_code == 200 and 'id="root"' in page.text
    stream = admin.url.replace("http", "ws", 1) + f"/content/{g}/_stcore/stream"
    ws = websocket.create_connection(stream, timeout=30, subprotocols=["streamlit"])
    assert ws.getstatus() == 101  # the app's WebSocket goes through the proxy
    ws.close()


def test_python_bokeh(admin: Api) -> None:
    pytest.importorskip("bokeh")
    app = (
        "from bokeh.io import curdoc\nfrom bokeh.models import Div\n"
        "curdoc().add_root(Div(text='Hello from bokeh'))\n"
    )
    g = deploy_app(admin, "python-bokeh", {"app.py": app}, "app.py")
    page = admin.page(f"/content/{g}/")
    assert page.status_code == 200 and page.url.endswith(f"/content/{g}/app")
    assert bokeh_text(f"{admin.url}/content/{g}/app") == ["Hello from bokeh"]


def test_python_panel(admin: Api) -> None:
    pytest.importorskip("panel")
    app = "import panel as pn\npn.panel('Hello from panel').servable()\n"
    g = deploy_app(admin, "python-panel", {"app.py": app}, "app.py")
    page = admin.page(f"/content/{g}/")
    assert page.status_code == 200 and page.url.endswith(f"/content/{g}/app")
    assert "Hello from panel" in str(bokeh_text(f"{admin.url}/content/{g}/app"))


def test_jupyter_voila(admin: Api) -> None:
    pytest.importorskip("voila")
    nb = notebook("print('voila says', 6 * 7)")
    g = deploy_app(admin, "jupyter-voila", {"dash.ipynb": nb}, "dash.ipynb")
    page = admin.page(f"/content/{g}/")
    assert page.status_code == 200 and "voila says 42" in page.text


def test_python_gradio(admin: Api) -> None:
    pytest.importorskip("gradio")
    app = "import gradio as gr\ndemo = gr.Interface(lambda s: s[::-1], 'text', 'text', title='Reverser')\n"
    g = deploy_app(admin, "python-gradio", {"app.py": app}, "app:demo")
    page = admin.page(f"/content/{g}/")
    assert page.status_code == 200 and "Reverser" in page.text
