"""The language server's face of the whole-workspace setup: its quick fixes write what `check --fix` writes."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import lsprotocol.types as lsp

from tests.helpers import cli, write
from tests.lsp_support import Editor, apply_workspace_edit, client, editor
from tests.test_test_explorer_projects import member_with_own_pythonpath

__all__ = ["client", "editor"]

TEST = "def test_it():\n    assert True\n"
FILES = {
    "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n\n[tool.pytest.ini_options]\naddopts = "-ra"\n',
    "tests/test_util.py": TEST,
    "sub/pyproject.toml": '[project]\nname = "sub"\nversion = "0"\n\n[tool.pytest.ini_options]\nmarkers = ["slow"]\n',
    "sub/tests/test_util.py": TEST,
    ".vscode/settings.json": '{\n    // shared\n    "python.testing.pytestEnabled": true\n}\n',
}


async def test_quick_fixes_write_what_check_fix_writes(editor: Editor, tmp_path: Path) -> None:
    folder = write(tmp_path / "app", FILES)
    by_cli = tmp_path / "cli"
    shutil.copytree(folder, by_cli)
    for code in ("PD207", "PD308"):
        result = cli("check", "--fix", "--select", code, str(by_cli))
        assert "fixed" in result.stdout + result.stderr, result.stdout + result.stderr
    pyproject = folder / "pyproject.toml"
    await editor.start(folder)
    # PD308 is reported once for the folder, at its own project file, the nested one related.
    await editor.until(lambda: {"PD207", "PD308"} <= set(editor.codes(pyproject)))
    for path, code in ((pyproject, "PD207"), (pyproject, "PD308")):
        [diagnostic] = [d for d in editor.diagnostics(path) if d.code == code]
        [action] = [a for a in await editor.code_actions(path, diagnostic) if a.title.endswith(f"({code})")]
        assert action.edit is not None
        apply_workspace_edit(action.edit)
    for rel in ("pyproject.toml", ".vscode/settings.json"):
        assert (folder / rel).read_text() == (by_cli / rel).read_text()
    assert 'addopts = "-ra --ignore=sub"' in pyproject.read_text()
    assert '"path": "sub"' in (folder / ".vscode/settings.json").read_text()


MONOREPO = {
    "pyproject.toml": '[project]\nname = "mono"\nversion = "0"\n',
    **{
        f"packages/{m}/pyproject.toml": f'[project]\nname = "{m}"\nversion = "0"\n' for m in ("alpha", "beta")
    },
    "packages/alpha/src/alpha/__init__.py": "",
    "packages/beta/src/beta/__init__.py": "",
    "tests/test_a.py": "import alpha\nimport beta\n",
}
GLOB_TITLE = (
    "Add './packages/*/src' to python.analysis.extraPaths in .vscode/settings.json "
    "(a glob Pylance {} expands to those folders) (PD301)"
)
LIST_TITLE = (
    "Add './packages/alpha/src', './packages/beta/src' to python.analysis.extraPaths in "
    ".vscode/settings.json (PD301)"
)


async def _pd301_title(editor: Editor, pyproject: Path) -> str:
    await editor.until(lambda: "PD301" in editor.codes(pyproject))
    [diagnostic] = [d for d in editor.diagnostics(pyproject) if d.code == "PD301"]
    [action] = [a for a in await editor.code_actions(pyproject, diagnostic) if a.title.endswith("(PD301)")]
    return action.title


async def test_the_reported_pylance_decides_between_a_glob_and_the_list(
    editor: Editor, tmp_path: Path
) -> None:
    # An older Pylance reported at start: the list. After an update the client answers
    # workspace/configuration with the new version and says the configuration changed: a glob.
    folder = write(tmp_path / "mono", MONOREPO)
    pyproject = folder / "pyproject.toml"
    await editor.start(folder, settings={}, initialization_options={"pylanceVersion": "2026.2.108"})
    assert await _pd301_title(editor, pyproject) == LIST_TITLE
    editor.client.set_configuration({"pyprojDoctor": {"pylanceVersion": "2026.3.1"}})
    editor.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    deadline = 50
    while (title := await _pd301_title(editor, pyproject)) == LIST_TITLE and deadline:
        deadline -= 1
        await asyncio.sleep(0.1)
    assert title == GLOB_TITLE.format("2026.3.1")
    # Pylance uninstalled: the answer says null, and the version given at start no longer counts.
    editor.client.set_configuration({"pyprojDoctor": {"pylanceVersion": None}})
    editor.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    deadline = 50
    while (title := await _pd301_title(editor, pyproject)) != LIST_TITLE and deadline:
        deadline -= 1
        await asyncio.sleep(0.1)
    assert title == LIST_TITLE


async def test_initialization_options_alone_make_the_fix_a_glob(editor: Editor, tmp_path: Path) -> None:
    folder = write(tmp_path / "mono", MONOREPO)
    pyproject = folder / "pyproject.toml"
    await editor.start(folder, initialization_options={"pylanceVersion": "2026.4.2"})
    await editor.until(lambda: "PD301" in editor.codes(pyproject))
    [diagnostic] = [d for d in editor.diagnostics(pyproject) if d.code == "PD301"]
    [action] = [a for a in await editor.code_actions(pyproject, diagnostic) if a.title.endswith("(PD301)")]
    assert action.title == GLOB_TITLE.format("2026.4.2") and action.edit is not None
    apply_workspace_edit(action.edit)
    assert json.loads((folder / ".vscode/settings.json").read_text()) == {
        "python.analysis.extraPaths": ["./packages/*/src"]
    }
    # The engine reads the glob back as Pylance expands it: nothing is left to report.
    editor.files_changed(folder / ".vscode/settings.json")
    await editor.until(lambda: "PD301" not in editor.codes(pyproject))


async def test_the_reported_test_explorer_mode_switches_the_prediction(
    editor: Editor, tmp_path: Path
) -> None:
    # A member whose own configuration puts its `src` on sys.path, listed in pythonProjects: the
    # folder's Test Explorer run cannot import it, the member's own run (project mode) can.
    folder = member_with_own_pythonpath(tmp_path / "mono")
    pyproject = folder / "packages/a/pyproject.toml"
    off = {"useEnvironmentsExtension": False, "environmentsExtension": True}
    await editor.start(folder, initialization_options=off)
    await editor.until(
        lambda: (
            "PD201" in editor.codes(pyproject)
            or "PD201" in editor.codes(folder / "packages/a/tests/test_a.py")
        )
    )
    # The client now reports the setting on (workspace/configuration): the member runs on its own.
    editor.client.set_configuration({"pyprojDoctor": {**off, "useEnvironmentsExtension": True}})
    editor.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await editor.until(
        lambda: all(
            "PD201" not in editor.codes(folder / rel)
            for rel in ("packages/a/pyproject.toml", "packages/a/tests/test_a.py")
        )
    )
