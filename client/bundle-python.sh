#!/usr/bin/env bash
# Puts the server and its pure-Python dependencies into bundled/libs, so the extension runs on
# any interpreter at or above the floor without installing anything into it. The versions are
# the ones uv.lock resolved for requires-python (the floor, in contract.json too), installed for
# that floor with pip in isolated mode, so no local pip.conf, constraint or mirror changes them.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
OUT="${BUNDLE_DIR:-bundled}"
FLOOR="$("$PYTHON" -c 'import json; print(json.load(open("server/pyproj_doctor/lsp/contract.json"))["pythonFloor"])')"
rm -rf "$OUT"
mkdir -p "$OUT/libs"
# pip judges a requirement's environment marker by the running interpreter, not by
# --python-version, so the markers are decided here, for the floor.
uv export --frozen --no-dev --no-hashes --no-emit-project --no-header --no-annotate |
  uv run --frozen --no-sync python -c '
import sys
from packaging.requirements import Requirement
env = {"python_version": sys.argv[1], "python_full_version": sys.argv[1] + ".0"}
for line in sys.stdin:
    if line.strip():
        req = Requirement(line.strip())
        if req.marker is None or req.marker.evaluate(env):
            print(f"{req.name}{req.specifier}")
' "$FLOOR" >"$OUT/requirements.txt"
"$PYTHON" -m pip install --isolated --quiet --disable-pip-version-check --no-compile --no-deps \
  --index-url https://pypi.org/simple --target "$OUT/libs" --root-user-action=ignore \
  --python-version "$FLOOR" --only-binary=:all: --implementation py --abi none --platform any \
  -r "$OUT/requirements.txt"
cp -r server/pyproj_doctor "$OUT/libs/pyproj_doctor"
cp client/launch.py "$OUT/launch.py"
find "$OUT" -name __pycache__ -prune -exec rm -rf {} +
rm -rf "$OUT/libs/bin"
