"""`server_settings` (how clients recognise Connect) and the runtime installations."""

from __future__ import annotations

import asyncio

from aiohttp import web

from .auth import optional_user
from .modes import SERVED_MODES
from .state import get_state

routes = web.RouteTableDef()


@routes.get("/__api__/server_settings")
async def server_settings(request: web.Request) -> web.Response:
    state = get_state(request)
    version = state.settings.version
    body = {
        "hostname": request.host.split(":")[0],
        "version": version,
        "build": f"v{version}-emulator",
        "about": f"Posit Connect v{version}",
        "runtimes": ["Python"],
        "dashboard_path": "/connect",
        "execution_type": "native",
        "git_enabled": False,
        "git_available": False,
        "enable_runtime_cache_management": False,
        "default_py_environment_management": True,
        "prohibited_usernames": [],
        "authentication": {"handles_credentials": True, "name": "Password", "notice": ""},
        "license": {"api-applications": True, "shiny-applications": True, "expiration": 0},
        "emulator": True,
    }
    if optional_user(request) is None:
        # Without credentials Connect answers with a reduced document.
        body = {k: body[k] for k in ("hostname", "version", "build", "about", "dashboard_path")}
    return web.json_response(body)


@routes.get("/__api__/server_settings/applications")
async def applications_settings(request: web.Request) -> web.Response:
    return web.json_response(
        {"access_types": ["all", "logged_in", "acl"], "app_modes": list(SERVED_MODES)}
    )


@routes.get("/__api__/server_settings/scheduler")
@routes.get("/__api__/server_settings/scheduler/{mode}")
async def scheduler_settings(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "min_processes": 0,
            "max_processes": 3,
            "max_conns_per_process": 20,
            "load_factor": 0.5,
            "init_timeout": 60,
            "idle_timeout": 120,
            "min_processes_limit": 0,
            "max_processes_limit": 10,
            "connection_timeout": 3600,
            "read_timeout": 3600,
        }
    )


@routes.get("/__api__/v1/server_settings/python")
async def python_settings(request: web.Request) -> web.Response:
    state = get_state(request)
    assert state.pythons is not None
    found = await asyncio.shield(state.pythons)
    installations = [{k: v for k, v in i.items() if k != "path"} for i in found]
    return web.json_response({"installations": installations, "api_enabled": True})


@routes.get("/__api__/v1/server_settings/r")
@routes.get("/__api__/v1/server_settings/quarto")
@routes.get("/__api__/v1/server_settings/nodejs")
async def other_runtimes(request: web.Request) -> web.Response:
    return web.json_response({"installations": []})


@routes.get("/__ping__")
async def ping(request: web.Request) -> web.Response:
    """Connect's liveness probe (load balancers use it); no key needed."""
    return web.json_response({})
