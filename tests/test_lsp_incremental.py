"""Editing one member of a uv workspace through the language server: only the documents whose
diagnostics changed are published, and the undo brings back every document's exact set."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp_support import Editor, client, editor, uri

__all__ = ["client", "editor"]

MEMBERS = 3
MEMBER = '[project]\nname = "member{n}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'


def uv_workspace(root: Path) -> Path:
    """Members whose tests cannot import their src packages under plain pytest (PD201 each)."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[dependency-groups]\ndev = ["pytest"]\n'
    }
    for n in range(MEMBERS):
        base = f"packages/member{n}"
        files[f"{base}/pyproject.toml"] = MEMBER.format(n=n)
        files[f"{base}/src/pkg{n}/__init__.py"] = ""
        for t in range(2):
            files[f"{base}/tests/test_m{n}_{t}.py"] = f"import pkg{n}\n\n\ndef test_x():\n    assert pkg{n}\n"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def snapshot(editor: Editor) -> dict[str, list[lsp.Diagnostic]]:
    return {u: list(d) for u, d in editor.client.diagnostics.items() if d}


async def test_a_member_edit_publishes_its_documents_only_and_undo_restores_all(
    editor: Editor, tmp_path: Path
) -> None:
    root = uv_workspace(tmp_path / "mono")
    edited = root / "packages/member1/pyproject.toml"
    first_test = root / "packages/member1/tests/test_m1_0.py"
    await editor.start(root)
    # Each member: PD201 on its pyproject.toml, echoed once on the first import line only.
    await editor.until(
        lambda: all(
            "PD201" in editor.codes(root / f"packages/member{n}/pyproject.toml") for n in range(MEMBERS)
        )
    )
    await editor.until(lambda: "PD201" in editor.codes(first_test))
    assert editor.codes(root / "packages/member1/tests/test_m1_1.py") == []
    before = snapshot(editor)
    editor.open(edited)
    await editor.code_actions(edited)  # answered once the report of this version is in
    editor.published.clear()

    editor.change(edited, MEMBER.format(n=1) + "x")  # one character: the file no longer parses
    await editor.until(lambda: editor.codes(edited) == ["PD901"])
    await editor.until(lambda: editor.codes(first_test) == [])
    await editor.code_actions(edited)
    published = {p.uri for p in editor.published}
    assert published == {uri(edited), uri(first_test)}  # no other member's document was sent again

    editor.published.clear()
    editor.change(edited, MEMBER.format(n=1))  # the undo
    await editor.until(lambda: "PD201" in editor.codes(edited) and "PD201" in editor.codes(first_test))
    await editor.code_actions(edited)
    assert {p.uri for p in editor.published} == {uri(edited), uri(first_test)}
    assert snapshot(editor) == before
