"""PD301's import-hook note against a real `uv sync` and the pyright language server.

setuptools installs a flat layout or a `package-dir` mapping editable through an import hook that
pyright cannot follow. Where the note proposes `editable_mode = "compat"`, writing it where the note
says and running `uv sync` must make pyright resolve the import (and keep pytest green); where the
note says compat would not help, doing it anyway must leave the import unresolved."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.truth import tools
from tests.truth.pyright_lsp import PyrightServer
from tests.truth.pyright_lsp import available as pyright_available

TEST = "from app.core import f\n\n\ndef test_it():\n    assert f() == 1\n"
SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
APP = '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n' + SETUPTOOLS
COMPAT = '\n[tool.uv]\nconfig-settings = { editable_mode = "compat" }\n'

# A uv workspace whose member `packages/app` has setuptools' flat layout; the root's tests import it.
FLAT_MEMBER = {
    "pyproject.toml": '[project]\nname = "root"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
    'dependencies = ["app"]\n\n[dependency-groups]\ndev = ["pytest>=8"]\n\n'
    "[tool.uv.sources]\napp = { workspace = true }\n\n"
    '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    "packages/app/pyproject.toml": APP + '\n[tool.setuptools]\npackages = ["app"]\n',
    "packages/app/app/__init__.py": "",
    "packages/app/app/core.py": "def f():\n    return 1\n",
    "tests/test_core.py": TEST,
}
# `package-dir = {"app" = "lib/app"}`: compat would put the project folder, not `lib`, on the path.
MAPPING = {
    "pyproject.toml": APP.replace(
        'requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\ndependencies = []\n'
    )
    + '\n[dependency-groups]\ndev = ["pytest>=8"]\n\n'
    '[tool.setuptools]\npackage-dir = {"app" = "lib/app"}\npackages = ["app"]\n',
    "lib/app/__init__.py": "",
    "lib/app/core.py": "def f():\n    return 1\n",
    "tests/test_core.py": TEST,
}


@pytest.fixture(autouse=True)
def _need_tools() -> None:
    if os.environ.get("PYPROJ_DOCTOR_TRUTH", "") in ("", "0"):
        pytest.skip("the truth harness runs with PYPROJ_DOCTOR_TRUTH=1")
    if not shutil.which("uv") or not pyright_available():
        pytest.skip("needs uv and npm pyright (`npm ci`)")


def build(folder: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    sync(folder)


def sync(folder: Path) -> None:
    proc = tools.uv(["sync", "-q"], folder)
    assert proc.returncode == 0, proc.stderr


def pd301(folder: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NO_COLOR")}
    proc = subprocess.run(
        [sys.executable, "-m", "pyproj_doctor", "check", "--select", "PD301", "--format", "json", "."],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [str(f["message"]) for f in json.loads(proc.stdout or "[]") if f["code"] == "PD301"]


def unresolved(folder: Path) -> set[str]:
    server = PyrightServer({folder: str(folder / ".venv" / "bin" / "python")})
    try:
        server.start()
        diagnostics = server.diagnose([folder / "tests" / "test_core.py"])
    finally:
        server.close()
    return {
        m.group(1).split(".")[0]
        for items in diagnostics.values()
        for d in items
        if (m := re.search(r'Import "([\w.]+)" could not be resolved', d.get("message", "")))
    }


def pytest_passes(folder: Path) -> bool:
    proc = subprocess.run(
        [str(folder / ".venv" / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=tools.clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc.returncode == 0


def test_compat_named_for_a_flat_member_resolves_after_uv_sync(tmp_path: Path) -> None:
    build(tmp_path, FLAT_MEMBER)
    assert unresolved(tmp_path) == {"app"} and pytest_passes(tmp_path)
    [message] = pd301(tmp_path)
    assert "`.venv` installs `app` editable through an import hook" in message
    assert (
        'Instead of extraPaths, `[tool.uv] config-settings = { editable_mode = "compat" }` in pyproject.toml '
        "and then `uv sync` make setuptools write a path `.pth` for `packages/app`." in message
    )
    # Where the note says (the workspace root: a member's own [tool.uv] config-settings are ignored).
    with (tmp_path / "pyproject.toml").open("a") as out:
        out.write(COMPAT)
    [stale] = pd301(tmp_path)
    assert 'pyproject.toml sets `editable_mode = "compat"`, but this install predates it' in stale
    assert "Instead of extraPaths" not in stale
    sync(tmp_path)
    assert unresolved(tmp_path) == set() and pytest_passes(tmp_path)
    assert pd301(tmp_path) == []


def test_compat_not_named_where_it_would_not_help(tmp_path: Path) -> None:
    build(tmp_path, MAPPING)
    assert unresolved(tmp_path) == {"app"} and pytest_passes(tmp_path)
    [message] = pd301(tmp_path)
    assert "`.venv` installs `app` editable through an import hook" in message
    assert (
        '`editable_mode = "compat"` would not help: it puts `.` (the project folder) on the path, and '
        "`lib` holds the package." in message
    )
    assert "Instead of extraPaths" not in message
    # Doing it anyway: pyright still cannot resolve `app`, and pytest no longer imports it either.
    with (tmp_path / "pyproject.toml").open("a") as out:
        out.write(COMPAT)
    sync(tmp_path)
    assert unresolved(tmp_path) == {"app"}
    assert not pytest_passes(tmp_path)


def test_compat_named_for_pip_resolves_after_the_named_install(tmp_path: Path) -> None:
    files = {**FLAT_MEMBER, "pyproject.toml": '[project]\nname = "root"\nversion = "0.1.0"\n'}
    for rel, content in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content)
    env = tools.clean_env()
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / ".venv")], check=True, env=env, timeout=300)
    pip = [str(tmp_path / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q", "-e", "packages/app"]
    subprocess.run(pip, cwd=tmp_path, check=True, env=env, capture_output=True, timeout=600)
    assert unresolved(tmp_path) == {"app"}
    [message] = pd301(tmp_path)
    assert (
        "Instead of extraPaths, `pip install -e packages/app --config-settings editable_mode=compat` makes "
        "setuptools write a path `.pth` for `packages/app`." in message
    )
    subprocess.run(
        [*pip, "--config-settings", "editable_mode=compat"],
        cwd=tmp_path,
        check=True,
        env=env,
        capture_output=True,
        timeout=600,
    )
    assert unresolved(tmp_path) == set()
    assert pd301(tmp_path) == []
