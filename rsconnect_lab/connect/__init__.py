"""The async Posit Connect client (aiohttp).

```python
from rsconnect_lab.connect import ConnectClient, errors

async with ConnectClient.from_env() as connect:   # CONNECT_SERVER, CONNECT_API_KEY, …
    me = await connect.me()
    content = await connect.content.create("sales-report", title="Sales report")
    bundle = await connect.bundles.upload(content.guid, "bundle.tar.gz")
    async for line in connect.tasks.follow(await connect.deploy(content.guid, bundle.id)):
        print(line)
```

Resources hang off the client: `content`, `bundles`, `tasks`, `content_env`, `permissions`,
`vanity`,
`thumbnails`, `users`, `groups`, `usage`. Every failure is a subclass of
`errors.ConnectError` with `.message` (names the server and the fix), `.reason`,
`.server_url`, `.status` and `.code`.
"""

from __future__ import annotations

from . import errors
from .client import ConnectClient
from .content import make_name
from .models import (
    Bundle,
    Content,
    Group,
    Permission,
    PythonInstallation,
    PythonSettings,
    ServerSettings,
    ShinyUsage,
    Task,
    User,
    Vanity,
    Visit,
)
from .tasks import TaskFollower
from .urls import normalize_server_url, url_candidates
from .versions import at_least, compare_versions

__all__ = [
    "Bundle",
    "ConnectClient",
    "Content",
    "Group",
    "Permission",
    "PythonInstallation",
    "PythonSettings",
    "ServerSettings",
    "ShinyUsage",
    "Task",
    "TaskFollower",
    "User",
    "Vanity",
    "Visit",
    "at_least",
    "compare_versions",
    "errors",
    "make_name",
    "normalize_server_url",
    "url_candidates",
]
