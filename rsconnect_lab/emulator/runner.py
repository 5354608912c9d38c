"""Starts one Python app inside its bundle directory; run as a script by the emulator.

Standalone on purpose (no package imports): it also runs in per-content virtualenvs.
Usage: python runner.py KIND ENTRYPOINT PORT PREFIX   (KIND: wsgi, asgi, shiny, gradio)
       python runner.py -m MODULE ARGS...              (a framework's own server, e.g. streamlit)
"""

from __future__ import annotations

import importlib
import os
import runpy
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
FACTORIES = ("create_app", "make_app")


def load(entrypoint: str, names: tuple[str, ...]) -> Any:
    """`module[:object]`; without an object try the names Connect tries, in order."""
    module, _, obj = entrypoint.partition(":")
    module = module.removesuffix(".py").replace("/", ".")
    mod = importlib.import_module(module)
    for name in (obj,) if obj else names:
        if hasattr(mod, name):
            target = getattr(mod, name)
            return target() if name in FACTORIES and callable(target) else target
    raise SystemExit(f"No application object ({', '.join(names)}) found in module {module!r}.")


class ScriptName:
    """Sets SCRIPT_NAME from the proxy's prefix so url_for() builds public URLs."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        prefix = environ.get("HTTP_X_FORWARDED_PREFIX", "").rstrip("/")
        if prefix:
            environ["SCRIPT_NAME"] = prefix
        return self.app(environ, start_response)


def run_wsgi(entrypoint: str, port: int) -> None:
    app = load(entrypoint, ("app", "application", *FACTORIES))
    if hasattr(app, "server") and hasattr(app, "layout"):  # a Dash object: serve its Flask app
        app = app.server
    from werkzeug.serving import run_simple

    run_simple(HOST, port, ScriptName(app), threaded=True, use_reloader=False)


def run_asgi(entrypoint: str, port: int, prefix: str) -> None:
    import uvicorn

    app = load(entrypoint, ("app", "application", *FACTORIES))
    uvicorn.run(app, host=HOST, port=port, root_path=prefix.rstrip("/"), log_level="warning")


def run_shiny(entrypoint: str, port: int, prefix: str) -> None:
    import uvicorn

    module = entrypoint.partition(":")[0].removesuffix(".py")
    try:
        app = load(entrypoint, ("app",))
    except SystemExit:
        from shiny.express import wrap_express_app

        app = wrap_express_app(Path(f"{module}.py").resolve())
    uvicorn.run(app, host=HOST, port=port, root_path=prefix.rstrip("/"), log_level="warning")


def run_gradio(entrypoint: str, port: int, prefix: str) -> None:
    # An app that calls launch() at import time picks these up itself.
    os.environ.update(
        GRADIO_SERVER_NAME=HOST,
        GRADIO_SERVER_PORT=str(port),
        GRADIO_ROOT_PATH=prefix.rstrip("/"),
        GRADIO_ANALYTICS_ENABLED="False",
    )
    import gradio as gr

    try:
        demo = load(entrypoint, ("demo", "app", "interface", "iface"))
    except SystemExit:
        mod = sys.modules[entrypoint.partition(":")[0].removesuffix(".py")]
        demo = next(v for v in vars(mod).values() if isinstance(v, gr.Blocks))
    demo.launch(server_name=HOST, server_port=port, root_path=prefix.rstrip("/"))


def die_with_parent() -> None:
    """End this app (its whole process group) when the emulator goes away, even by SIGKILL."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.killpg(0, signal.SIGTERM)

    threading.Thread(target=watch, daemon=True, name="emulator-watchdog").start()


def main(argv: list[str]) -> None:
    die_with_parent()
    # Run as a script, our own folder would come first on sys.path and its modules (app.py,
    # state.py, …) would shadow the content's; the content's folder takes its place, as -m does.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, os.getcwd())
    if argv[:1] == ["-m"]:
        module, *args = argv[1:]
        sys.argv = [module, *args]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return
    kind, entrypoint, port_text, prefix = argv
    port = int(port_text)
    if kind == "wsgi":
        run_wsgi(entrypoint, port)
    elif kind == "asgi":
        run_asgi(entrypoint, port, prefix)
    elif kind == "shiny":
        run_shiny(entrypoint, port, prefix)
    elif kind == "gradio":
        run_gradio(entrypoint, port, prefix)
    else:
        raise SystemExit(f"unknown kind {kind!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
