#!/usr/bin/env bash
# Puts the server and its pure-Python dependencies into bundled/libs, resolved for the
# oldest Python we support, so the extension runs on any interpreter without touching it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
rm -rf bundled/libs
mkdir -p bundled/libs
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-compile --target bundled/libs \
  --python-version 3.9 --only-binary=:all: --implementation py --abi none --platform any \
  "pygls>=2.0,<3" "lsprotocol>=2025.0.0" "packaging>=23" "tomli>=2.0" "exceptiongroup>=1.1"
cp -r server/pyproj_doctor bundled/libs/pyproj_doctor
find bundled -name __pycache__ -prune -exec rm -rf {} +
rm -rf bundled/libs/bin
