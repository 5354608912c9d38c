"""REST routes under ``/rsconnect-lab/`` (relative to the Jupyter base URL)."""

from __future__ import annotations

from typing import Any

from .content import ContentHandler, ContentItemHandler
from .deployments import DeploymentsHandler
from .environment import EnvironmentHandler, ManifestHandler
from .jobs import JobHandler, JobsHandler, PublishHandler
from .servers import ServerHandler, ServersHandler
from .version import VersionHandler

PREFIX = "rsconnect-lab"
_NAME = r"(?P<name>[^/]+)"


def route_table() -> list[tuple[str, Any]]:
    routes: list[tuple[str, Any]] = [
        ("version", VersionHandler),
        ("servers", ServersHandler),
        (f"servers/{_NAME}", ServerHandler),
        (f"servers/{_NAME}/content", ContentHandler),
        (rf"servers/{_NAME}/content/(?P<guid>[A-Za-z0-9-]+)", ContentItemHandler),
        ("environment", EnvironmentHandler),
        ("manifest", ManifestHandler),
        ("publish", PublishHandler),
        ("jobs", JobsHandler),
        (r"jobs/(?P<job_id>[A-Za-z0-9_-]+)", JobHandler),
        ("deployments", DeploymentsHandler),
    ]
    return [(f"{PREFIX}/{path}", handler) for path, handler in routes]
