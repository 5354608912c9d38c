# JupyterLab for the demo: the embedded Connect emulator as the server "local".
import os

here = os.path.dirname(os.path.abspath(__file__))
state = os.path.join(os.path.dirname(here), ".demo")

c = get_config()  # noqa: F821
c.ServerApp.root_dir = os.path.join(state, "notebooks")
c.ServerApp.allow_root = True
c.ServerApp.open_browser = False
c.RSConnectLab.data_dir = os.path.join(state, "rsconnect_lab")
c.RSConnectLab.embedded_emulator = True
c.RSConnectLab.embedded_emulator_data = os.path.join(state, "connect")
c.RSConnectLab.save_to_rsconnect_python = False
# Other packages in the environment (dash) ship source extensions; no "build recommended" prompt.
c.ServerApp.tornado_settings = {"page_config_data": {"buildCheck": False, "buildAvailable": False}}
