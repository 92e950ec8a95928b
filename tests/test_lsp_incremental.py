"""Editing one member of a uv workspace through the language server: only the documents whose
diagnostics changed are published, the edited one first, and the undo brings back every
document's exact set."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp
from lsprotocol.converters import get_converter
from pytest_lsp import client_capabilities

from pyproj_doctor import engine
from pyproj_doctor.lsp.convert import diagnostics, disabled_actions
from tests.lsp_support import Editor, client, editor, uri
from tests.test_incremental import MEMBER_PYPROJECT, ROOT_VARIANTS, build, module_variants, pyproject_variants

__all__ = ["client", "editor"]

MEMBERS = 3
CONVERTER = get_converter()
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
    # The edited document first, though the cleared echo comes first in the report's order: the
    # client handles one document at a time, and the user looks at the one they type in.
    assert editor.published[0].uri == uri(edited)

    editor.published.clear()
    editor.change(edited, MEMBER.format(n=1))  # the undo
    await editor.until(lambda: "PD201" in editor.codes(edited) and "PD201" in editor.codes(first_test))
    await editor.code_actions(edited)
    assert {p.uri for p in editor.published} == {uri(edited), uri(first_test)}
    assert editor.published[0].uri == uri(edited)
    assert snapshot(editor) == before


def published(editor: Editor) -> dict[str, object]:
    """The diagnostics on screen, per document, as sent over the wire."""
    return {u: CONVERTER.unstructure(list(d)) for u, d in editor.client.diagnostics.items() if d}


def fresh(root: Path, overlay: dict[str, str]) -> dict[str, object]:
    """What a fresh full check of the same buffers gives, as the server would publish it."""
    report = engine.check(str(root), engine.Options(), overlay, True)
    capabilities = client_capabilities("visual-studio-code")
    by_uri = diagnostics(
        str(root), report.findings, report.snapshot.text, "utf-16", disabled_actions(capabilities)
    )
    return {u: CONVERTER.unstructure(d) for u, d in by_uri.items() if d}


async def test_edits_to_one_member_publish_what_a_fresh_check_gives(editor: Editor, tmp_path: Path) -> None:
    """The server keeps each member's results between checks; after each edit (a member's
    pyproject.toml, the root's, a test module) what it published equals a fresh full check."""
    root = tmp_path / "mono"
    build(root)
    await editor.start(root)
    await editor.until(lambda: published(editor) == fresh(root, {}))
    overlay: dict[str, str] = {}
    edits = [
        ("packages/member1/pyproject.toml", MEMBER_PYPROJECT.format(n=1) + "x"),
        ("packages/member1/pyproject.toml", pyproject_variants(1)[-1]),
        ("pyproject.toml", ROOT_VARIANTS[1]),
        ("packages/member2/tests/test_member2.py", module_variants(2)[1]),
        ("packages/member1/pyproject.toml", MEMBER_PYPROJECT.format(n=1)),
    ]
    for rel, text in edits:
        if rel not in overlay:
            editor.open(root / rel)
        editor.change(root / rel, text)
        overlay[rel] = text
        await editor.code_actions(root / rel)  # answered once the report of this version is in
        expected = fresh(root, overlay)
        await editor.until(lambda: published(editor) == expected)  # noqa: B023
        assert published(editor) == expected
