"""Language-server-aware fixes against the real servers: each shape is a folder whose editor runs
another language server; the server is run on it before and after `pyproj-doctor check --fix`, and
the import must go from unresolved to resolved. Look-alikes must keep Pylance's keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.truth import langservers
from tests.truth.pyright_lsp import available as pyright_available

PKG = "libpkg"  # a name nothing installed in the test environment provides
TEST = f"from {PKG}.core import f\n\n\ndef test_it():\n    assert f() == 1\n"
PYPROJECT = (
    '[project]\nname = "shape"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n'
    '[dependency-groups]\ndev = ["pytest>=8"]\n\n[tool.pytest.ini_options]\npythonpath = ["lib"]\n'
)


def _need_tools() -> None:
    if os.environ.get("PYPROJ_DOCTOR_TRUTH", "") in ("", "0"):
        pytest.skip("the truth harness runs with PYPROJ_DOCTOR_TRUTH=1")
    if not langservers.available():
        pytest.skip("needs basedpyright, ty and pyrefly from the dev dependencies (`uv sync`)")


def build(folder: Path, files: dict[str, str], root: str = "lib") -> list[Path]:
    base = {
        "pyproject.toml": PYPROJECT,
        f"{root}/{PKG}/__init__.py": "",
        f"{root}/{PKG}/core.py": "def f():\n    return 1\n",
        "tests/test_core.py": TEST,
    }
    for rel, content in {**base, **files}.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return [folder / "tests" / "test_core.py"]


def engine(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "pyproj_doctor", *args, "."],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def pd301(folder: Path) -> list[dict[str, object]]:
    proc = engine(folder, "check", "--select", "PD301", "--format", "json")
    return [f for f in json.loads(proc.stdout or "[]") if f["code"] == "PD301"]


Tool = Callable[[Path, list[Path]], set[str]]
RECOMMEND_BASED = json.dumps({"recommendations": ["ms-python.python", "detachhead.basedpyright"]})


@pytest.mark.parametrize(
    ("files", "tool", "server", "written"),
    [
        pytest.param(
            {".vscode/extensions.json": RECOMMEND_BASED},
            langservers.basedpyright_unresolved,
            "basedpyright",
            ".vscode/settings.json",
            id="basedpyright-recommended-settings",
        ),
        pytest.param(
            {
                ".vscode/settings.json": '{\n  "basedpyright.analysis.typeCheckingMode": "standard"\n}\n',
                "pyproject.toml": PYPROJECT + '\n[tool.pyright]\ntypeCheckingMode = "standard"\n',
            },
            langservers.basedpyright_unresolved,
            "basedpyright",
            "pyproject.toml",
            id="basedpyright-settings-tool-pyright",
        ),
        pytest.param(
            {".vscode/extensions.json": json.dumps({"recommendations": ["astral-sh.ty"]})},
            langservers.ty_unresolved,
            "ty",
            "pyproject.toml",
            id="ty-recommended-pyproject",
        ),
        pytest.param(
            # ty.toml wins over [tool.ty]: the fix writes the file ty reads.
            {
                ".vscode/settings.json": '{"python.languageServer": "None", "ty.diagnosticMode": "workspace"}',
                "ty.toml": '# ours\n[environment]\npython-version = "3.11"\n',
                "pyproject.toml": PYPROJECT + '\n[tool.ty.environment]\nextra-paths = ["lib"]\n',
            },
            langservers.ty_unresolved,
            "ty",
            "ty.toml",
            id="ty-settings-ty-toml",
        ),
        pytest.param(
            {".vscode/extensions.json": json.dumps({"recommendations": ["meta.pyrefly"]})},
            langservers.pyrefly_unresolved,
            "Pyrefly",
            "pyproject.toml",
            id="pyrefly-recommended-pyproject",
        ),
        pytest.param(
            # The older spelling `search_path` is still read: the fix extends it, not a second key.
            {
                ".vscode/extensions.json": json.dumps({"recommendations": ["meta.pyrefly"]}),
                "pyrefly.toml": 'search_path = ["tests"]\n',
            },
            langservers.pyrefly_unresolved,
            "Pyrefly",
            "pyrefly.toml",
            id="pyrefly-toml-search-path-underscore",
        ),
        pytest.param(
            {".vscode/settings.json": '{\n  "python.languageServer": "Jedi"\n}\n'},
            langservers.jedi_unresolved,
            "Jedi",
            ".vscode/settings.json",
            id="jedi-named",
        ),
    ],
)
def test_the_fix_resolves_the_import_for_the_folders_server(
    tmp_path: Path, files: dict[str, str], tool: Tool, server: str, written: str
) -> None:
    _need_tools()
    checked = build(tmp_path, files)
    assert tool(tmp_path, checked) == {PKG}, f"{server} resolves the import before any fix"
    [finding] = pd301(tmp_path)
    assert f"on {server}'s import search path" in str(finding["message"])
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    proc = engine(tmp_path, "check", "--fix", "--select", "PD301")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    changed = sorted(
        str(p.relative_to(tmp_path))
        for p in tmp_path.rglob("*")
        if p.is_file() and before.get(p) != p.read_bytes()
    )
    assert changed == [written]
    assert tool(tmp_path, checked) == set(), (tmp_path / written).read_text()
    assert pd301(tmp_path) == []


@pytest.mark.parametrize(
    ("files", "tool"),
    [
        # ty adds a `python` folder that is not a package to its roots by itself.
        pytest.param(
            {".vscode/extensions.json": json.dumps({"recommendations": ["astral-sh.ty"]})},
            langservers.ty_unresolved,
            id="ty-python-root",
        ),
        # Pyrefly infers `src` as its import root.
        pytest.param(
            {".vscode/extensions.json": json.dumps({"recommendations": ["meta.pyrefly"]})},
            langservers.pyrefly_unresolved,
            id="pyrefly-src-root",
        ),
    ],
)
def test_silent_where_the_folders_server_resolves_it(
    tmp_path: Path, files: dict[str, str], tool: Tool
) -> None:
    _need_tools()
    root = "python" if tool is langservers.ty_unresolved else "src"
    checked = build(tmp_path, {"pyproject.toml": PYPROJECT.replace('["lib"]', f'["{root}"]'), **files}, root)
    assert tool(tmp_path, checked) == set()
    assert pd301(tmp_path) == []


@pytest.mark.parametrize(
    "files",
    [
        # basedpyright named only in a comment, and as a command-line checker in the dev group.
        pytest.param(
            {
                "pyproject.toml": PYPROJECT.replace('"pytest>=8"', '"pytest>=8", "basedpyright"')
                + "# the editor could run basedpyright one day\n",
            },
            id="basedpyright-in-comment-and-dev-group",
        ),
        # The team names Pylance; basedpyright's settings alone do not change which server runs.
        pytest.param(
            {
                ".vscode/settings.json": json.dumps(
                    {"python.languageServer": "Pylance", "basedpyright.analysis.typeCheckingMode": "basic"}
                ),
            },
            id="pylance-named-beside-basedpyright-settings",
        ),
        # ty installed and configured for the command line, but not the folder's language server.
        pytest.param(
            {
                "pyproject.toml": PYPROJECT.replace('"pytest>=8"', '"pytest>=8", "ty"')
                + '\n[tool.ty.rules]\nunresolved-import = "error"\n',
                "ty.toml": "[rules]\n",
            },
            id="ty-installed-not-the-editors-server",
        ),
        # The extension is recommended and refused at once: not the folder's server.
        pytest.param(
            {
                ".vscode/extensions.json": json.dumps(
                    {
                        "recommendations": ["detachhead.basedpyright"],
                        "unwantedRecommendations": ["detachhead.basedpyright"],
                    }
                )
            },
            id="basedpyright-unwanted",
        ),
    ],
)
def test_look_alikes_keep_pylance_keys(tmp_path: Path, files: dict[str, str]) -> None:
    _need_tools()
    if not pyright_available():
        pytest.skip("needs npm pyright (`npm ci`)")
    checked = build(tmp_path, files)
    assert langservers.pylance_unresolved(tmp_path, checked) == {PKG}
    [finding] = pd301(tmp_path)
    assert "on Pylance's import search path" in str(finding["message"])
    proc = engine(tmp_path, "check", "--fix", "--select", "PD301")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (tmp_path / ".vscode/settings.json").read_text()
    assert '"python.analysis.extraPaths"' in text and "basedpyright.analysis.extraPaths" not in text
    assert langservers.pylance_unresolved(tmp_path, checked) == set()
