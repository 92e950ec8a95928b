"""Hovering an import, and the "Why does this import fail?" command, through pytest-lsp's client."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from tests.helpers import seed
from tests.lsp_support import Editor, client, editor, uri

__all__ = ["client", "editor"]

TEST = "tests/test_main.py"


async def hover(editor: Editor, path: Path, line: int) -> lsp.Hover | None:
    return await editor.client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri(path)), position=lsp.Position(line, 3)
        )
    )


async def test_hovering_an_import_shows_the_table(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path / "ws")
    await editor.start(app)
    found = await hover(editor, app / TEST, 0)
    assert found is not None and isinstance(found.contents, lsp.MarkupContent)
    assert found.contents.kind == lsp.MarkupKind.Markdown
    text = found.contents.value
    assert "| runner | verdict | resolved from / reason |" in text
    assert "| plain pytest | fails |" in text
    assert "| Pylance/pyright | resolves | src/my_app" in text
    assert "Diverges at **Pylance/pyright**" in text


async def test_no_hover_off_an_import(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path / "ws")
    await editor.start(app)
    assert await hover(editor, app / TEST, 3) is None
    assert await hover(editor, app / "pyproject.toml", 0) is None


async def test_hover_follows_the_unsaved_buffer(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path / "ws")
    await editor.start(app)
    editor.open(app / TEST, "import os\nfrom my_app import main\n", language="python")
    first = await hover(editor, app / TEST, 0)
    assert first is not None and isinstance(first.contents, lsp.MarkupContent)
    assert "import `os`" in first.contents.value and "the standard library" in first.contents.value
    second = await hover(editor, app / TEST, 1)
    assert second is not None and isinstance(second.contents, lsp.MarkupContent)
    assert "import `my_app`" in second.contents.value


async def test_the_command_answers_with_markdown_and_json(editor: Editor, tmp_path: Path) -> None:
    app = seed(
        tmp_path / "ws",
        **{
            "pyproject.toml": '[project]\nname = "my-app"\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'
        },
    )
    await editor.start(app)
    result = await editor.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="pyprojDoctor.explainImport", arguments=[uri(app / TEST), 0])
    )
    assert result is not None
    assert result["explanations"][0]["name"] == "my_app"
    assert result["explanations"][0]["verdicts"][0]["setting"] == "`pythonpath` in pyproject.toml"
    assert "Every runner agrees." in result["markdown"]
    off = await editor.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(
            command="pyprojDoctor.explainImport", arguments=[{"uri": uri(app / TEST), "line": 2}]
        )
    )
    assert off is not None
    assert off["error"] == f"{TEST}:3: not an import"


@pytest.mark.parametrize(
    "arguments",
    [[], [123, 0], ["not a uri", 0], ["URI", -1], ["URI", "1"], ["URI", 0, 1]],
    ids=["none", "number", "not-a-uri", "negative", "string-line", "three"],
)
async def test_the_command_rejects_bad_arguments(
    editor: Editor, tmp_path: Path, arguments: list[object]
) -> None:
    app = seed(tmp_path / "ws")
    await editor.start(app)
    arguments = [uri(app / TEST) if a == "URI" else a for a in arguments]
    with pytest.raises(JsonRpcException) as caught:
        await editor.client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="pyprojDoctor.explainImport", arguments=arguments)
        )
    assert "-32602" in str(caught.value) or getattr(caught.value, "code", None) == -32602
