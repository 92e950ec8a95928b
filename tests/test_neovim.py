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

from tests.helpers import ROOT, SEED_PYPROJECT, hook_installed_member, seed, write

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(
    NVIM is None and not os.environ.get("CI"), reason="needs neovim (CI installs it)"
)


def run_script(name: str, project: Path, tmp_path: Path, **extra: str) -> dict[str, Any]:
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
        **extra,
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
    result = run_script("quick_fix.lua", project, tmp_path, OPEN="pyproject.toml", CODE="PD201")
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


def span(path: Path, needle: str) -> list[int]:
    """The 0-based [line, col, end line, end col] of the first `needle` in the file (one line)."""
    for number, line in enumerate(path.read_text().splitlines()):
        if needle in line:
            col = line.index(needle)
            return [number, col, number, col + len(needle)]
    raise AssertionError(f"{needle!r} not in {path}")


def diagnostics(project: Path, tmp_path: Path, open_: str, code: str) -> list[dict[str, Any]]:
    result = run_script("diagnostics.lua", project, tmp_path, OPEN=open_, CODE=code)
    assert result["error"] is None, result
    assert all(d["source"] == "pyproj-doctor" for d in result["diagnostics"])
    return [d for d in result["diagnostics"] if d["code"] == code]


RECOMMEND_BASEDPYRIGHT = json.dumps({"recommendations": ["ms-python.python", "detachhead.basedpyright"]})


def test_neovim_applies_the_basedpyright_key_in_a_basedpyright_folder(tmp_path: Path) -> None:
    project = write(
        tmp_path / "project",
        {
            "pyproject.toml": '[project]\nname = "a"\n\n[tool.pytest.ini_options]\npythonpath = ["lib"]\n',
            "lib/libpkg/__init__.py": "",
            "tests/test_a.py": "import libpkg\n",
            ".vscode/extensions.json": RECOMMEND_BASEDPYRIGHT,
            ".vscode/settings.json": '{\n    // team settings\n    "editor.rulers": [100]\n}\n',
        },
    )
    result = run_script("quick_fix.lua", project, tmp_path, OPEN=".vscode/settings.json", CODE="PD301")
    assert result["error"] is None, result
    [pd301] = [d for d in result["diagnostics"] if d["code"] == "PD301"]
    assert "`lib` (with `libpkg`) is not on basedpyright's import search path" in pd301["message"]
    assert (
        "Add './lib' to basedpyright.analysis.extraPaths in .vscode/settings.json (for basedpyright) (PD301)"
        in (result["actions"])
    )
    assert result["applied"] is True
    assert (project / ".vscode/settings.json").read_text() == (
        '{\n    // team settings\n    "editor.rulers": [100],\n'
        '    "basedpyright.analysis.extraPaths": ["./lib"]\n}\n'
    )


def test_neovim_shows_the_cov_drift_at_the_option(tmp_path: Path) -> None:
    cov = SEED_PYPROJECT.replace('"pytest>=9.0.3",', '"pytest>=9.0.3",\n    "pytest-cov>=6",') + (
        '\n[tool.pytest.ini_options]\naddopts = "-ra --cov=my_app --cov-report=term"\n'
    )
    project = seed(tmp_path / "project", **{"pyproject.toml": cov})
    write(project, {".vscode/settings.json": json.dumps({"python.testing.pytestEnabled": True})})
    [pd601] = diagnostics(project, tmp_path, "pyproject.toml", "PD601")
    assert pd601["range"] == span(project / "pyproject.toml", "--cov=my_app")
    assert "breakpoints in debugged tests are not hit" in pd601["message"]


def test_neovim_shows_two_language_servers_at_the_recommendation(tmp_path: Path) -> None:
    project = write(
        tmp_path / "project",
        {
            "pyproject.toml": '[project]\nname = "a"\n',
            ".vscode/settings.json": '{\n  "python.languageServer": "Pylance"\n}\n',
            ".vscode/extensions.json": '{\n  "recommendations": ["ms-python.python", "detachhead.basedpyright"]\n}\n',
        },
    )
    [pd404] = diagnostics(project, tmp_path, ".vscode/extensions.json", "PD404")
    assert pd404["range"] == span(project / ".vscode/extensions.json", '"detachhead.basedpyright"')
    assert pd404["message"].startswith(
        "`detachhead.basedpyright` is recommended in .vscode/extensions.json, which turns basedpyright's "
        "language server on for the workspace folder beside Pylance (`python.languageServer` is 'Pylance')"
    )


def test_neovim_shows_the_import_hook_note_and_applies_its_alternative(tmp_path: Path) -> None:
    project = tmp_path / "project"
    hook_installed_member(project)
    before = (project / "pyproject.toml").read_text()
    result = run_script(
        "quick_fix.lua",
        project,
        tmp_path,
        OPEN="pyproject.toml",
        CODE="PD301",
        TITLE="(PD301, unsafe, instead)",
    )
    assert result["error"] is None, result
    [pd301] = [d for d in result["diagnostics"] if d["code"] == "PD301"]
    assert pd301["message"].endswith(
        " `.venv` installs `app` editable through an import hook (`__editable__.app-0.1.0.pth` runs "
        "`import ...`): Python follows it, but Pylance (like pyright) follows only path lines in "
        '`.pth` files. Instead of extraPaths, `[tool.uv] config-settings-package = { app = { editable_mode = "compat" } }` in '
        "pyproject.toml and then `uv sync` make setuptools write a path `.pth` for `packages/app`."
    )
    # Neovim applied the alternative chosen by its title. The rule's own fix creates
    # .vscode/settings.json, which needs `documentChanges` (Neovim 0.7 does not announce them), so
    # that one is not offered here.
    assert [a for a in result["actions"] if "(PD301" in a] == [
        'Set editable_mode = "compat" for `app` in [tool.uv] config-settings-package of pyproject.toml, then run `uv sync` '
        "(a path `.pth` for `packages/app`) (PD301, unsafe, instead)",
    ]
    assert result["applied"] is True
    assert (project / "pyproject.toml").read_text() == before + (
        '\n[tool.uv]\nconfig-settings-package = { app = { editable_mode = "compat" } }\n'
    )


NESTED = {
    "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n',
    "tests/test_util.py": "def test_it():\n    assert True\n",
    "sub/pyproject.toml": '[project]\nname = "sub"\nversion = "0"\n\n[tool.pytest.ini_options]\nmarkers = ["slow"]\n',
    "sub/tests/test_util.py": "def test_it():\n    assert True\n",
    ".vscode/settings.json": "{\n    // team settings\n}\n",
}


def test_neovim_applies_the_ignore_for_a_clashing_nested_project(tmp_path: Path) -> None:
    project = write(tmp_path / "project", NESTED)
    result = run_script("quick_fix.lua", project, tmp_path, OPEN="pyproject.toml", CODE="PD207")
    assert result["error"] is None, result
    [pd207] = [d for d in result["diagnostics"] if d["code"] == "PD207"]
    assert pd207["range"] == span(project / "pyproject.toml", "[project]")
    assert "import file mismatch" in pd207["message"]
    assert result["applied"] is True
    assert (project / "pyproject.toml").read_text() == (
        NESTED["pyproject.toml"] + '\n[tool.pytest.ini_options]\naddopts = "--ignore=sub"\n'
    )


def test_neovim_lists_a_nested_project_in_python_projects(tmp_path: Path) -> None:
    project = write(tmp_path / "project", NESTED)
    result = run_script("quick_fix.lua", project, tmp_path, OPEN="pyproject.toml", CODE="PD308")
    assert result["error"] is None, result
    # One finding for the folder, at its own project's header.
    [pd308] = [d for d in result["diagnostics"] if d["code"] == "PD308"]
    assert pd308["range"] == span(project / "pyproject.toml", "[project]")
    assert "python-envs.pythonProjects" in pd308["message"]
    assert result["applied"] is True
    written = (project / ".vscode/settings.json").read_text()
    assert "// team settings" in written
    assert json.loads(written.replace("    // team settings\n", "")) == {
        "python-envs.pythonProjects": [
            {"path": "sub", "envManager": "ms-python.python:venv", "packageManager": "ms-python.python:pip"}
        ]
    }
