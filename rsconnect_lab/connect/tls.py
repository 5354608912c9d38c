"""TLS settings of one server: verified by default, plus a CA bundle, or explicitly insecure."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from .errors import InvalidField

PEM_MARKER = "-----BEGIN"


def is_pem_text(value: str) -> bool:
    return PEM_MARKER in value


def make_ssl_context(
    *, server_url: str, ca_cert: str | os.PathLike[str] | None = None, insecure: bool = False
) -> ssl.SSLContext | bool:
    """The `ssl=` argument for aiohttp.

    `ca_cert` is either PEM text (how rsconnect-python's servers.json stores it) or the path of a
    PEM file. It is added to the system's trust store, not used instead of it, so public
    certificates keep working behind the same client. `insecure` turns verification off and
    wins over `ca_cert`; it is never the default.
    """
    if insecure:
        return False
    context = ssl.create_default_context()
    if ca_cert is None or (isinstance(ca_cert, str) and not ca_cert.strip()):
        return context
    if isinstance(ca_cert, str) and is_pem_text(ca_cert):
        try:
            context.load_verify_locations(cadata=ca_cert)
        except (ssl.SSLError, ValueError) as exc:
            raise InvalidField(
                f"The CA certificate text given for {server_url} is not valid PEM ({exc}). "
                "Paste the whole bundle, including the -----BEGIN CERTIFICATE----- and -----END "
                "CERTIFICATE----- lines.",
                server_url=server_url,
                field="ca_cert",
            ) from None
        return context
    path = Path(ca_cert).expanduser()
    try:
        context.load_verify_locations(cafile=str(path))
    except FileNotFoundError:
        raise InvalidField(
            f"The CA bundle {path} for {server_url} does not exist. Give the path of a PEM file "
            "or paste the certificate text itself.",
            server_url=server_url,
            field="ca_cert",
        ) from None
    except (ssl.SSLError, OSError) as exc:
        raise InvalidField(
            f"The CA bundle {path} for {server_url} could not be read as PEM certificates "
            f"({exc}). It must hold one or more -----BEGIN CERTIFICATE----- blocks.",
            server_url=server_url,
            field="ca_cert",
        ) from None
    return context
