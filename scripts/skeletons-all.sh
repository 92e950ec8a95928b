#!/usr/bin/env bash
# Rebuild every real-world skeleton from the mirrors the `fetch` tool made (/work/.mirror/OWNER+NAME/repo).
# Usage: scripts/skeletons-all.sh OWNER/NAME[=label] ...
# Without arguments: the whole corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=(
  HackSoftware/Django-Styleguide-Example aio-libs/aiohttp python-attrs/attrs psf/black pypa/build
  httpie/cli=httpie-cli pallets/click cookiecutter/cookiecutter jazzband/django-debug-toolbar
  fastapi/fastapi pallets/flask pypa/hatch encode/httpx pallets/jinja pydantic/logfire
  marshmallow-code/marshmallow mkdocs/mkdocs networkx/networkx wntrblm/nox pypa/packaging
  pdm-project/pdm pypa/pipx python-poetry/poetry pydantic/pydantic-ai pydantic/pydantic-core
  pytest-dev/pytest modelcontextprotocol/python-sdk psf/requests Textualize/rich
  scikit-image/scikit-image encode/starlette tox-dev/tox pypa/twine encode/uvicorn
  samuelcolvin/watchfiles pydata/xarray
)
[ $# -eq 0 ] && set -- "${CORPUS[@]}"
for spec in "$@"; do
  repo="${spec%%=*}"; label="${spec#*=}"; [ "$label" = "$spec" ] && label="${repo#*/}"
  uv run --frozen python scripts/skeleton.py "$label" "/work/.mirror/${repo/\//+}/repo" > "tests/truth/realworld/$label.json"
done
