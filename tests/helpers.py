"""Small real workspaces on disk and ways to look at what the engine says about them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Union

from pyproj_doctor import engine
from pyproj_doctor.findings import Finding
from pyproj_doctor.text import LineIndex

ROOT = Path(__file__).resolve().parent.parent
Files = Mapping[str, Union[str, bytes]]


def write(root: Path, files: Files) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


SEED_PYPROJECT = """\
[project]
name = "my-app"
version = "0.1.0"
description = "Add your description here"
readme = "README.md"
requires-python = ">=3.11"
dependencies = []

[dependency-groups]
dev = [
    "pytest>=9.0.3",
]
"""


def seed(root: Path, **extra: str | bytes) -> Path:
    """The project `uv init --app` + `uv add --dev pytest` makes, moved to a src layout."""
    files: dict[str, str | bytes] = {
        "pyproject.toml": SEED_PYPROJECT,
        "README.md": "",
        ".python-version": "3.11\n",
        "src/my_app/__init__.py": 'def main() -> str:\n    return "hi"\n',
        "tests/test_main.py": 'from my_app import main\n\n\ndef test_main():\n    assert main() == "hi"\n',
    }
    files.update(extra)
    return write(root, files)


def make_venv(
    root: Path,
    rel: str = ".venv",
    version: str = "3.11.7",
    pth: dict[str, str] | None = None,
    editable: tuple[str, Path] | None = None,
    dists: dict[str, str] | None = None,
) -> Path:
    """A virtual environment as uv or venv leaves it, without an interpreter inside."""
    venv = root / rel
    site = venv / "lib" / f"python{'.'.join(version.split('.')[:2])}" / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    (venv / "pyvenv.cfg").write_text(f"home = /usr/bin\nimplementation = CPython\nversion_info = {version}\n")
    (venv / "bin").mkdir(exist_ok=True)
    for name, content in (pth or {}).items():
        (site / name).write_text(content)
    for name, version_ in (dists or {}).items():
        (site / f"{name}-{version_}.dist-info").mkdir(exist_ok=True)
    if editable is not None:
        name, project = editable
        info = site / f"{name.replace('-', '_')}-0.1.0.dist-info"
        info.mkdir(exist_ok=True)
        (info / "direct_url.json").write_text(
            json.dumps({"url": project.resolve().as_uri(), "dir_info": {"editable": True}})
        )
    return venv


def check(root: Path, **options: object) -> engine.Report:
    return engine.check(str(root), engine.Options(**options))  # type: ignore[arg-type]


def codes(report: engine.Report) -> list[str]:
    return [f.code for f in report.findings]


def only(report: engine.Report, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def text_at(root: Path, item: Finding) -> str:
    """The exact text a finding's range covers."""
    text = (root / item.path).read_bytes().decode("utf-8").lstrip("\ufeff")
    index = LineIndex(text)
    return text[index.offset(item.range.start) : index.offset(item.range.end)]


def apply_fix(root: Path, item: Finding, alternative: int | None = None) -> None:
    """Write one finding's fix (or its ``alternative``-th alternative) to disk the way an editor
    applies a WorkspaceEdit."""
    from pyproj_doctor.text import BOM, apply_edits

    fix = item.fix if alternative is None else item.alternatives[alternative]
    assert fix is not None, item
    for change in fix.changes:
        path = root / change.path
        if change.create:
            assert not path.exists()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(apply_edits("", change.edits).encode())
            continue
        raw = path.read_bytes().decode("utf-8")
        bom = raw.startswith(BOM)
        body = apply_edits(raw[1:] if bom else raw, change.edits)
        path.write_bytes(((BOM if bom else "") + body).encode())


def cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, in a subprocess."""
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pyproj_doctor", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def real_pytest(folder: Path, *python_m: str) -> subprocess.CompletedProcess[str]:
    """Real pytest in ``folder`` with no stale bytecode: the ``pytest`` console script, as CI runs
    it, or with ``-m pytest`` the Test Explorer's ``python -m pytest``."""
    for cache in folder.rglob("__pycache__"):
        shutil.rmtree(cache)
    command = (
        [sys.executable, *python_m] if python_m else [os.path.join(os.path.dirname(sys.executable), "pytest")]
    )
    return subprocess.run(
        [*command, "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTHONPATH")},
    )


def hook_installed_member(root: Path) -> None:
    """A uv workspace whose tests import a setuptools member installed editable through an import
    hook (the finder setuptools writes for a flat layout): Python follows it, pyright does not."""
    setuptools = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
    write(
        root,
        {
            "pyproject.toml": "[project]\nname = 'root'\nversion = '0.1.0'\n\n[tool.uv.workspace]\n"
            "members = ['packages/*']\n",
            "packages/app/pyproject.toml": "[project]\nname = 'app'\nversion = '0.1.0'\n\n" + setuptools,
            "packages/app/app/__init__.py": "",
            "tests/test_a.py": "import app\n",
        },
    )
    hook = "import __editable___app_0_1_0_finder; __editable___app_0_1_0_finder.install()\n"
    make_venv(root, pth={"__editable__.app-0.1.0.pth": hook}, editable=("app", root / "packages/app"))
