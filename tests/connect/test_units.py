"""Pure functions: URL normalisation, versions, names, models, error mapping, TLS settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from rsconnect_lab.connect import ConnectClient, errors, make_name
from rsconnect_lab.connect.models import Bundle, Content, PythonSettings, Task
from rsconnect_lab.connect.tls import make_ssl_context
from rsconnect_lab.connect.transport import _raise_for_connect_code
from rsconnect_lab.connect.urls import api_url, display_url, normalize_server_url, url_candidates
from rsconnect_lab.connect.versions import at_least, compare_versions, parse_version, supports


@pytest.mark.parametrize(
    "given",
    [
        "http://h",
        "http://h/",
        "http://h//",
        "  http://h/__api__ ",
        "http://h/__api__/",
        "http://h/__api__/v1/content",
        "HTTP://h",
    ],
)
def test_root_forms_normalise_to_one(given: str) -> None:
    assert normalize_server_url(given) == "http://h"


def test_path_prefix_and_port_kept() -> None:
    assert normalize_server_url("https://h:8443/rsc/") == "https://h:8443/rsc"
    assert normalize_server_url("https://h/rsc/__api__") == "https://h/rsc"
    assert api_url("https://h/rsc", "/v1/content") == "https://h/rsc/__api__/v1/content"


@pytest.mark.parametrize(
    "given",
    [
        "http://h",
        "http://h/",
        "http://h/__api__",
        "http://h/__api__/",
        "https://h:8443/rsc/",
        "https://h/rsc/__api__",
    ],
)
def test_api_root_matches_posit_sdk(given: str) -> None:
    posit_urls = pytest.importorskip("posit.connect.urls")
    assert api_url(normalize_server_url(given), "") == str(posit_urls.Url(given)) + "/"


def test_pasted_dashboard_link_gives_the_root() -> None:
    assert normalize_server_url("https://h/connect/#/apps/abc/access") == "https://h"


def test_scheme_relative_url_gets_https() -> None:
    assert normalize_server_url("//h/") == "https://h"


@pytest.mark.parametrize("bad", ["", "connect.example.com", "ftp://h", "http://"])
def test_bad_urls_are_invalid_fields(bad: str) -> None:
    with pytest.raises(errors.InvalidField) as info:
        normalize_server_url(bad)
    assert info.value.field == "url"
    assert "https://" in info.value.message


def test_url_candidates_try_https_then_http_without_a_scheme() -> None:
    assert url_candidates(" connect.example.com/rsc/ ") == [
        "https://connect.example.com/rsc/",
        "http://connect.example.com/rsc/",
    ]
    assert url_candidates("//h") == ["https://h", "http://h"]
    assert url_candidates("http://h") == ["http://h"]


def test_display_url_drops_credentials() -> None:
    assert display_url("https://u:pw@h:1/x") == "https://h:1/x"


def test_credentials_in_the_url_are_refused_without_showing_them() -> None:
    with pytest.raises(errors.InvalidField) as info:
        normalize_server_url("https://me:hunter2@connect.example.com/")
    assert "hunter2" not in info.value.message and "API key" in info.value.message


def test_versions() -> None:
    assert parse_version("2023.11.0-dev+103-g11242ee129") == (2023, 11, 0)
    assert compare_versions("2024.9", "2024.09.0") == 0
    assert compare_versions("2025.06.0", "2025.05.9") == 1
    assert compare_versions("1.8.6", "2025.01.0") == -1
    assert at_least("2025.06.0", "2025.06.0")
    assert not at_least("2025.05.1", "2025.06.0")
    assert at_least(None, "2025.06.0") and at_least("", "2099.1.0")  # hidden version: assume yes
    assert supports("2025.06.0", "draft_deploy") and not supports("2024.01.0", "draft_deploy")
    with pytest.raises(ValueError):
        supports("2025.06.0", "teleport")


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("My Report!", "my_report"),
        ("a", "__a"),
        ("Sales  --  Q3 / 2024", "sales_--_q3_2024"),
        ("x" * 80, "x" * 64),
    ],
)
def test_make_name_matches_rsconnect_python(title: str, name: str) -> None:
    assert make_name(title) == name


def test_models_tolerate_unknown_fields_and_numeric_ids() -> None:
    content = Content.from_json(
        {
            "guid": "g",
            "bundle_id": 12,
            "id": 3,
            "brand_new_field": {"x": 1},
            "dashboard_url": "https://h/connect/#/apps/g",
        }
    )
    assert content.bundle_id == "12" and content.id == "3" and content.published
    assert content.raw["brand_new_field"] == {"x": 1}
    assert content.logs_url == "https://h/connect/#/apps/g/logs"
    assert Bundle.from_json({"id": 7, "whatever": True}).id == "7"
    task = Task.from_json({"id": "t", "output": None, "finished": True, "code": None, "last": 0})
    assert task.output == [] and task.code == 0 and task.succeeded
    settings = PythonSettings.from_json(
        {
            "installations": [{"version": "3.11.6", "cluster_name": "Local", "extra": 1}],
            "api_enabled": True,
        }
    )
    assert settings.versions == ["3.11.6"]


class _Transport:
    display_url = "https://connect.example.com"

    def redact(self, text: str) -> str:
        return text

    def error(self, cls: type[errors.ConnectError], message: str, **kw: object) -> None:
        raise cls(message, server_url=self.display_url, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "code", "expected", "hint"),
    [
        (401, 30, errors.InvalidAPIKey, "API Keys"),
        (401, 29, errors.InvalidAPIKey, "API Keys"),
        (403, 22, errors.PermissionDenied, "publisher"),
        (403, 10, errors.PermissionDenied, "another user"),
        (403, 50, errors.PermissionDenied, "locked"),
        (403, 65, errors.PermissionDenied, "license"),
        (403, 109, errors.PermissionDenied, "prohibited"),
        (403, 19, errors.PermissionDenied, "owner or an administrator"),
        (404, 4, errors.NotFound, "deleted"),
        (404, 2, errors.NotFound, "too old"),
        (404, 141, errors.NotFound, "sticky"),
        (409, 26, errors.NameConflict, "another name"),
        (409, 51, errors.NameConflict, "vanity path"),
        (400, 5, errors.InvalidField, "3 to 64"),
        (400, 122, errors.InvalidField, "3 to 1024"),
        (400, 38, errors.InvalidField, "manifest"),
        (403, 48, errors.AppModeChange, "new content"),
        (500, 1, errors.ServerError, "logs"),
    ],
)
def test_connect_codes_map_to_one_error_each(
    status: int, code: int, expected: type[errors.ConnectError], hint: str
) -> None:
    with pytest.raises(errors.ConnectError) as info:
        _raise_for_connect_code(
            _Transport(),  # type: ignore[arg-type]
            status=status,
            code=code,
            text="application manifest invalid" if code == 38 else "server text",
            method="POST",
            what=None,
            path="/__api__/v1/content",
            note="",
        )
    assert type(info.value) is expected
    assert info.value.code == code and info.value.status == status
    assert "https://connect.example.com" in info.value.message
    assert hint in info.value.message


def test_invalid_field_names_the_field() -> None:
    with pytest.raises(errors.InvalidField) as info:
        _raise_for_connect_code(
            _Transport(),  # type: ignore[arg-type]
            status=400,
            code=122,
            text="bad title",
            method="POST",
            what=None,
            path="/",
            note="",
        )
    assert info.value.field == "title" and info.value.reason == "invalid_field"


def test_reasons_are_the_documented_ones() -> None:
    assert {
        cls.reason
        for cls in (
            errors.ServerUnreachable,
            errors.TLSError,
            errors.NotConnectServer,
            errors.InvalidAPIKey,
            errors.PermissionDenied,
            errors.NotFound,
            errors.NameConflict,
            errors.InvalidField,
            errors.AppModeChange,
            errors.TaskFailed,
            errors.ServerError,
        )
    } == {
        "unreachable",
        "tls",
        "not_connect",
        "invalid_api_key",
        "permission",
        "not_found",
        "name_conflict",
        "invalid_field",
        "app_mode_change",
        "task_failed",
        "server_error",
    }


def test_ca_cert_errors(tmp_path: Path) -> None:
    with pytest.raises(errors.InvalidField, match="does not exist"):
        make_ssl_context(server_url="https://h", ca_cert=str(tmp_path / "nope.pem"))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(errors.InvalidField, match="PEM"):
        make_ssl_context(server_url="https://h", ca_cert=junk)
    with pytest.raises(errors.InvalidField, match="not valid PEM"):
        make_ssl_context(
            server_url="https://h",
            ca_cert="-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
    assert make_ssl_context(server_url="https://h", insecure=True, ca_cert=junk) is False


def test_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONNECT_SERVER", "https://connect.example.com/__api__/")
    monkeypatch.setenv("CONNECT_API_KEY", "k-123456789")
    monkeypatch.setenv("CONNECT_INSECURE", "true")
    monkeypatch.setenv("CONNECT_REQUEST_TIMEOUT", "12.5")
    client = ConnectClient.from_env()
    assert client.server_url == "https://connect.example.com"
    assert repr(client) == "ConnectClient('https://connect.example.com', insecure=True)"
    assert client._transport.timeout == 12.5
    monkeypatch.delenv("CONNECT_SERVER")
    with pytest.raises(errors.InvalidField, match="CONNECT_SERVER"):
        ConnectClient.from_env()
