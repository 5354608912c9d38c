#!/usr/bin/env bash
# Everything a fresh machine needs (Python 3.11, node 20, npm, apt): Debian's chromium for the
# browser tests, a virtualenv with the extension built and installed in it, the ui-tests packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! [ -x /usr/bin/chromium ] && [ "${SKIP_CHROMIUM:-}" != 1 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The editable build runs `jlpm install` and the TypeScript build through hatch-jupyter-builder.
.venv/bin/python -m pip install -q -e ".[test]"

# jlpm ships with jupyterlab inside the venv.
(. .venv/bin/activate && cd ui-tests && jlpm install >/dev/null)
