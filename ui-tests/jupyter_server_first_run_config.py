"""A second JupyterLab for the first-run test: the embedded emulator runs on a known port but
is not listed, so the person starts with no server at all and adds one."""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
c.ServerApp.port = int(os.environ["FIRST_RUN_PORT"])  # noqa: F821
_data = os.environ["FIRST_RUN_DATA"]
c.RSConnectLab.data_dir = os.path.join(_data, "rsconnect_lab")  # noqa: F821
c.RSConnectLab.embedded_emulator = True  # noqa: F821
c.RSConnectLab.embedded_emulator_data = os.path.join(_data, "emulator")  # noqa: F821
c.RSConnectLab.embedded_emulator_port = int(os.environ["FIRST_RUN_EMULATOR_PORT"])  # noqa: F821
c.RSConnectLab.register_embedded_emulator = False  # noqa: F821
c.RSConnectLab.save_to_rsconnect_python = False  # noqa: F821
c.ServerApp.tornado_settings = {  # noqa: F821
    "page_config_data": {"buildCheck": False, "buildAvailable": False}
}
