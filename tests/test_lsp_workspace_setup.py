"""The language server's face of the whole-workspace setup: its quick fixes write what `check --fix` writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import cli, write
from tests.lsp_support import Editor, apply_workspace_edit, client, editor

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
