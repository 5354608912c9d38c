"""Jupyter server configuration of the Galata tests.

Galata's defaults (port 8888, no token, no XSRF check, a temporary root
directory), and the server extension's embedded Connect emulator, registered
as the server named ``local``.
"""

import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
c.ServerApp.port = int(os.environ.get("UI_TESTS_PORT", "8888"))  # noqa: F821

# Each run gets its own emulator data and saved servers, so runs do not see each other;
# playwright.config.js makes the directory and the tests use it to add emulator users.
_data = os.environ.get("RSCONNECT_LAB_UI_DATA") or tempfile.mkdtemp(prefix="rsconnect-lab-ui-")
c.RSConnectLab.data_dir = os.path.join(_data, "rsconnect_lab")  # noqa: F821
c.RSConnectLab.embedded_emulator = True  # noqa: F821
c.RSConnectLab.embedded_emulator_data = os.path.join(_data, "emulator")  # noqa: F821
c.RSConnectLab.save_to_rsconnect_python = False  # noqa: F821

# No "Build recommended" dialog: other packages in the environment (dash) ship
# source extensions that would ask for a rebuild and block the page.
c.ServerApp.tornado_settings = {  # noqa: F821
    "page_config_data": {"buildCheck": False, "buildAvailable": False}
}
