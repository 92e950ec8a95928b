"""The promise in one story: a uv app whose tests fail under plain pytest is fixed by one command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pyproj_doctor.formats import jsonc
from tests.helpers import ROOT, cli, seed

PYTEST = os.path.join(os.path.dirname(sys.executable), "pytest")


def run_pytest(root: Path) -> subprocess.CompletedProcess[str]:
    # The `pytest` script, like CI, does not put the current folder on sys.path (`python -m pytest` would).
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [PYTEST, "-q", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_seed_project_fix_gives_exactly_the_recommended_setup(tmp_path: Path) -> None:
    seed(tmp_path)
    broken = run_pytest(tmp_path)
    assert broken.returncode != 0 and "ModuleNotFoundError" in broken.stdout

    fixed = cli("check", "--fix", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr

    assert (
        (tmp_path / "pyproject.toml")
        .read_text()
        .endswith('    "pytest>=9.0.3",\n]\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    )
    settings = jsonc.parse((tmp_path / ".vscode/settings.json").read_text()).value()
    assert settings == {  # no extraPaths: Pylance finds the top-level src by itself
        "python.testing.pytestEnabled": True,
        "python.testing.unittestEnabled": False,
        "python.testing.pytestArgs": ["tests"],
    }
    extensions = jsonc.parse((tmp_path / ".vscode/extensions.json").read_text()).value()
    assert extensions == {"recommendations": ["ms-python.python", "tamasfe.even-better-toml"]}

    # The fix is real: plain pytest now imports the package.
    assert run_pytest(tmp_path).returncode == 0

    # A second check has nothing at warning or above; a second --fix changes nothing.
    report = json.loads(cli("check", "--format", "json", "--fail-on", "hint", cwd=tmp_path).stdout)
    assert report == []
    files = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".pytest_cache" not in p.parts}
    assert cli("check", "--fix", cwd=tmp_path).returncode == 0
    assert {p: p.read_bytes() for p in files} == files


def test_this_repository_is_clean() -> None:
    result = cli("check", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
