"""A fixed environment for bundle tests that need no interpreter."""

from __future__ import annotations

import pytest

from rsconnect_lab.environment import Environment


@pytest.fixture
def fixed_env() -> Environment:
    return Environment(
        python="/usr/bin/python3",
        python_version="3.11.7",
        pip_version="24.0",
        locale="en_US.UTF-8",
        source="requirements.txt",
        requirements="numpy==1.26.4\npandas==2.2.0\n",
        packages=("numpy==1.26.4", "pandas==2.2.0"),
    )
