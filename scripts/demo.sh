#!/usr/bin/env bash
# JupyterLab with the extension, talking to the embedded Connect emulator (registered as
# "local"), with a sample notebook ready to publish. State lives in .demo/ (delete it to reset).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_SETUP:-}" = 1 ] || SKIP_CHROMIUM=1 bash scripts/setup.sh
mkdir -p .demo/notebooks
[ -e .demo/notebooks/Sample.ipynb ] || cp -r demo/notebooks/. .demo/notebooks/
exec .venv/bin/jupyter lab --config demo/jupyter_server_config.py "$@"
