#!/usr/bin/env bash
# Every test: Python (pytest, with ruff and mypy), TypeScript (jest, eslint), browser (Galata).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate

echo "== lint and types"
ruff check rsconnect_lab tests bench
ruff format --check rsconnect_lab tests bench
mypy
jlpm lint:check

echo "== jest"
jlpm test

echo "== pytest"
python -m pytest -q -p no:cacheprovider tests

echo "== galata"
rm -rf ui-tests/artifacts
(cd ui-tests && CI=1 jlpm playwright test)
echo "Panel screenshots (light and dark): ui-tests/artifacts/screenshots/"
