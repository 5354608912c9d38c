"""Connect version numbers and the features they gate.

Connect reports versions such as `2023.11.0-dev+103-g11242ee129`; only the leading numbers
matter. An empty or missing version (admins can hide it) means "assume supported", as posit-sdk
does, because refusing everything on such a server would be worse than an occasional 404.
"""

from __future__ import annotations

import re

_LEADING = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")

# Minimum Connect version per feature (CONNECT_CONTRACT.md §2.3).
FEATURES: dict[str, str] = {
    "environments": "2023.05.0",
    "vanity_url_include": "2024.06.0",
    "oauth": "2024.08.0",
    "thumbnails": "2024.09.0",
    "packages": "2024.11.0",
    "bundle_active": "2025.02.0",
    "python_requires": "2025.03.0",
    "draft_deploy": "2025.06.0",
    "panel": "2025.11.0",
    "lockfile": "2025.12.0",
    "multipart_upload": "2025.12.0",
}


def parse_version(version: str | None) -> tuple[int, ...] | None:
    """`"2024.09.1-dev+3"` → `(2024, 9, 1)`; None when there is no version to read."""
    if not version:
        return None
    match = _LEADING.match(version)
    if match is None:
        return None
    return tuple(int(part) for part in match.group(1).split("."))


def compare_versions(a: str, b: str) -> int:
    """-1, 0 or 1, comparing numerically with missing parts as 0 (`2024.9` == `2024.09.0`)."""
    pa, pb = parse_version(a) or (), parse_version(b) or ()
    width = max(len(pa), len(pb))
    ta = pa + (0,) * (width - len(pa))
    tb = pb + (0,) * (width - len(pb))
    return (ta > tb) - (ta < tb)


def at_least(version: str | None, minimum: str) -> bool:
    """Whether `version` is `minimum` or newer; an unknown version counts as new enough."""
    if parse_version(version) is None:
        return True
    return compare_versions(version or "", minimum) >= 0


def supports(version: str | None, feature: str) -> bool:
    """Whether a server of this version has `feature` (a key of FEATURES)."""
    try:
        minimum = FEATURES[feature]
    except KeyError:
        raise ValueError(
            f"unknown Connect feature {feature!r}; known: {sorted(FEATURES)}"
        ) from None
    return at_least(version, minimum)
