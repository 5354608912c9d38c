"""The async Posit Connect client (aiohttp).

```python
from rsconnect_lab.connect import ConnectClient, errors
async with ConnectClient.from_env() as connect:
    print(await connect.me())
```
"""

from __future__ import annotations

from . import errors
from .client import ConnectClient
from .content import make_name
from .models import (
    Bundle,
    Content,
    Group,
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
from .urls import normalize_server_url
from .versions import at_least, compare_versions

__all__ = [
    "Bundle",
    "ConnectClient",
    "Content",
    "Group",
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
]
