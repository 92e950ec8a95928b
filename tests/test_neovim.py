"""A second real client nobody here wrote: Neovim's built-in LSP client, run headless."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, seed

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(
    NVIM is None and not os.environ.get("CI"), reason="needs neovim (CI installs it)"
)


def run_script(name: str, project: Path, tmp_path: Path) -> dict[str, Any]:
    assert NVIM is not None, "neovim is not installed"
    result_file = tmp_path / "result.json"
    env = {
        **os.environ,
        "FIXTURE": str(project),
        "RESULT": str(result_file),
        "PYTHON": sys.executable,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    script = ROOT / "tests" / "nvim" / name
    subprocess.run(
        [NVIM, "--headless", "--clean", "-c", f"luafile {script}"],
        env=env,
        cwd=project,
        timeout=120,
        check=False,
        capture_output=True,
    )
    result: dict[str, Any] = json.loads(result_file.read_text())
    return result


def test_neovim_gets_diagnostics_and_applies_a_quick_fix(tmp_path: Path) -> None:
    project = seed(tmp_path / "project")
    result = run_script("code_action.lua", project, tmp_path)
    assert result["error"] is None, result
    codes = sorted(d["code"] for d in result["diagnostics"])
    assert codes == ["PD201", "PD304", "PD401", "PD401"]  # the top-level src needs no extraPaths
    assert all(d["source"] == "pyproj-doctor" for d in result["diagnostics"])
    assert "Add 'src' to pytest's pythonpath in pyproject.toml (PD201)" in result["actions"]
    assert result["applied"] is True
    # Neovim wrote the file through its own WorkspaceEdit code.
    assert (
        (project / "pyproject.toml")
        .read_text()
        .endswith('\n[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    )


def test_neovim_hover_on_an_import_shows_every_runner(tmp_path: Path) -> None:
    project = seed(tmp_path / "project")
    result = run_script("hover.lua", project, tmp_path)
    assert result["error"] is None, result
    hover = result["hover"]
    assert hover["kind"] == "markdown"
    assert "| plain pytest | fails |" in hover["value"]
    assert "| Test Explorer | fails |" in hover["value"]
    assert "| Pylance/pyright | resolves | src/my_app" in hover["value"]
