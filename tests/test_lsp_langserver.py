"""The language server's face of the language-server-aware fix: the quick fix writes ty's key."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import write
from tests.lsp_support import Editor, apply_workspace_edit, client, editor

__all__ = ["client", "editor"]


async def test_quick_fix_writes_the_folders_server_keys(editor: Editor, tmp_path: Path) -> None:
    folder = write(
        tmp_path / "app",
        {
            "pyproject.toml": '[project]\nname = "a"\n\n[tool.pytest.ini_options]\npythonpath = ["lib"]\n',
            "lib/libpkg/__init__.py": "",
            "tests/test_a.py": "import libpkg\n",
            ".vscode/extensions.json": json.dumps({"recommendations": ["astral-sh.ty"]}),
        },
    )
    extensions = folder / ".vscode/extensions.json"
    await editor.start(folder)
    await editor.until(lambda: "PD301" in editor.codes(extensions))
    [diagnostic] = [d for d in editor.diagnostics(extensions) if d.code == "PD301"]
    assert "ty's import search path" in diagnostic.message
    [action] = await editor.code_actions(extensions, diagnostic)
    assert action.title.startswith("Add 'lib' to tool.ty.environment.extra-paths in pyproject.toml (for ty)")
    assert action.edit is not None
    apply_workspace_edit(action.edit)
    assert (
        (folder / "pyproject.toml").read_text().endswith('\n[tool.ty.environment]\nextra-paths = ["lib"]\n')
    )
