"""Typed views of what Connect returns.

Each model reads the fields the product uses and keeps the whole document in `raw`, so fields
added by newer servers are tolerated and still reachable. Ids that Connect has sent both as
numbers and as strings over the years are normalised to strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

M = TypeVar("M", bound="Model")


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, kw_only=True)
class Model:
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls: type[M], data: Mapping[str, Any]) -> M:
        if not isinstance(data, Mapping):
            raise TypeError(f"expected a JSON object for {cls.__name__}, got {type(data).__name__}")
        known = {f.name for f in fields(cls) if f.init and f.name != "raw"}
        values = {name: data[name] for name in known if name in data}
        values.update(cls._convert(data))
        return cls(raw=dict(data), **values)

    @classmethod
    def _convert(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """Values that need more than copying; subclasses override."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        return dict(self.raw)


@dataclass(frozen=True, kw_only=True)
class ServerSettings(Model):
    version: str | None = None
    hostname: str | None = None
    build: str | None = None
    about: str | None = None
    dashboard_path: str | None = None
    runtimes: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class PythonInstallation(Model):
    version: str = ""
    cluster_name: str | None = None
    image_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class PythonSettings(Model):
    installations: list[PythonInstallation] = field(default_factory=list)
    api_enabled: bool = False

    @classmethod
    def _convert(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        items = data.get("installations") or []
        return {"installations": [PythonInstallation.from_json(item) for item in items]}

    @property
    def versions(self) -> list[str]:
        return [item.version for item in self.installations]


@dataclass(frozen=True, kw_only=True)
class User(Model):
    guid: str
    username: str = ""
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    user_role: str | None = None
    created_time: str | None = None
    updated_time: str | None = None
    active_time: str | None = None
    confirmed: bool | None = None
    locked: bool | None = None

    @property
    def can_publish(self) -> bool:
        return self.user_role in ("publisher", "administrator") and not self.locked


@dataclass(frozen=True, kw_only=True)
class Content(Model):
    guid: str
    name: str = ""
    title: str | None = None
    description: str | None = None
    access_type: str | None = None
    app_mode: str | None = None
    content_category: str | None = None
    bundle_id: str | None = None
    owner_guid: str | None = None
    content_url: str | None = None
    dashboard_url: str | None = None
    created_time: str | None = None
    last_deployed_time: str | None = None
    app_role: str | None = None
    id: str | None = None
    locked: bool | None = None
    parameterized: bool | None = None
    py_version: str | None = None
    vanity_url: str | None = None

    @classmethod
    def _convert(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "bundle_id": _str_or_none(data.get("bundle_id")),
            "id": _str_or_none(data.get("id")),
        }

    @property
    def published(self) -> bool:
        """Whether a bundle was ever deployed (Connect's "unpublished" is a null bundle_id)."""
        return self.bundle_id is not None

    @property
    def logs_url(self) -> str | None:
        """Where the dashboard shows this content's logs (rsconnect-python's pointer on failure)."""
        return f"{self.dashboard_url.rstrip('/')}/logs" if self.dashboard_url else None


@dataclass(frozen=True, kw_only=True)
class Bundle(Model):
    id: str
    content_guid: str | None = None
    created_time: str | None = None
    active: bool | None = None
    size: int | None = None
    py_version: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def _convert(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(data["id"]), "metadata": dict(data.get("metadata") or {})}


@dataclass(frozen=True, kw_only=True)
class Task(Model):
    id: str
    output: list[str] = field(default_factory=list)
    finished: bool = False
    code: int = 0
    error: str = ""
    last: int = 0
    result: Mapping[str, Any] | None = None

    @classmethod
    def _convert(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": str(data["id"]),
            "output": [str(line) for line in data.get("output") or []],
            "code": int(data.get("code") or 0),
            "error": str(data.get("error") or ""),
            "last": int(data.get("last") or 0),
        }

    @property
    def succeeded(self) -> bool:
        return self.finished and self.code == 0


@dataclass(frozen=True, kw_only=True)
class Vanity(Model):
    content_guid: str | None = None
    path: str = ""
    created_time: str | None = None


@dataclass(frozen=True, kw_only=True)
class Permission(Model):
    id: str
    content_guid: str | None = None
    principal_guid: str = ""
    principal_type: str = "user"
    role: str = "viewer"

    @classmethod
    def _convert(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(data["id"])}


@dataclass(frozen=True, kw_only=True)
class Group(Model):
    guid: str
    name: str = ""
    owner_guid: str | None = None
    unique_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Visit(Model):
    content_guid: str | None = None
    user_guid: str | None = None
    variant_key: str | None = None
    rendering_id: str | None = None
    bundle_id: str | None = None
    time: str | None = None
    data_version: int | None = None
    path: str | None = None

    @classmethod
    def _convert(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "bundle_id": _str_or_none(data.get("bundle_id")),
            "rendering_id": _str_or_none(data.get("rendering_id")),
        }


@dataclass(frozen=True, kw_only=True)
class ShinyUsage(Model):
    content_guid: str | None = None
    user_guid: str | None = None
    started: str | None = None
    ended: str | None = None
    data_version: int | None = None
