"""Comments and line breaks kept by edits; nesting that is reported instead of crashing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from pyproj_doctor.formats import jsonc, toml
from pyproj_doctor.text import LineIndex, detect_eol
from tests.helpers import cli, seed, write
from tests.lsp_support import Editor, client, editor

__all__ = ["client", "editor"]  # the language server fixtures


def test_removing_a_member_keeps_the_comment_on_its_line() -> None:
    text = (
        "{\n"
        '  "recommendations": [\n'
        '    "ms-python.python",\n'
        '    "bungcip.better-toml", // TOML for the team\n'
        '    "charliermarsh.ruff"\n'
        "  ]\n"
        "}\n"
    )
    after = jsonc.apply(text, jsonc.remove_value(text, ("recommendations", 1)))
    assert "// TOML for the team" in after
    assert "bungcip" not in after
    assert jsonc.parse(after).value() == {"recommendations": ["ms-python.python", "charliermarsh.ruff"]}
    last = '{\n  "r": [\n    "a",\n    "b" // the last one\n  ]\n}\n'
    after = jsonc.apply(last, jsonc.remove_value(last, ("r", 1)))
    assert "// the last one" in after and jsonc.parse(after).value() == {"r": ["a"]}


def test_cr_only_files_keep_multi_line_arrays_multi_line() -> None:
    text = '{\r  "recommendations": [\r    "a.b",\r    "c.d"\r  ]\r}\r'
    after = jsonc.apply(text, jsonc.append_to_array(text, ("recommendations",), "e.f"))
    assert after == '{\r  "recommendations": [\r    "a.b",\r    "c.d",\r    "e.f"\r  ]\r}\r'
    assert detect_eol(text) == "\r"
    assert LineIndex(text).position(text.index('"c.d"')).line == 3


def test_fix_keeps_the_comment_of_a_removed_recommendation(tmp_path: Path) -> None:
    extensions = (
        "{\n"
        '  "recommendations": [\n'
        '    "ms-python.python",\n'
        '    "bungcip.better-toml", // TOML for the team\n'
        '    "tamasfe.even-better-toml"\n'
        "  ]\n"
        "}\n"
    )
    seed(tmp_path, **{".vscode/extensions.json": extensions})
    result = cli("check", "--fix", "--unsafe-fixes", "--select", "PD4", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    after = (tmp_path / ".vscode/extensions.json").read_text()
    assert "// TOML for the team" in after
    assert "bungcip" not in after


def test_deep_jsonc_is_reported_not_a_recursion_error() -> None:
    deep = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
    doc = jsonc.parse(deep)
    assert not doc.ok and doc.errors[0].code == jsonc.ErrorCode.NestingTooDeep
    assert doc.errors[0].offset == 6 + jsonc.MAX_DEPTH - 1
    fine = '{"a": ' + "[" * 100 + "]" * 100 + "}"
    assert jsonc.parse(fine).ok


def test_deep_toml_is_reported_not_a_recursion_error() -> None:
    deep = "[tool.x]\nv = " + "[" * 5000 + "]" * 5000 + "\n"
    doc = toml.parse(deep)
    assert doc.error is not None and doc.error.too_deep
    assert (doc.error.line, doc.error.column) == (1, 4 + toml.MAX_DEPTH)
    inline = "v = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"
    assert toml.parse(inline).error is not None
    # Brackets inside strings and comments are not nesting.
    text = (
        'a = "'
        + "[" * 300
        + "\"\nb = '"
        + "{" * 300
        + "'\n# "
        + "[" * 300
        + '\nc = """\n'
        + "[" * 300
        + '\n"""\n'
    )
    assert toml.parse(text).error is None


def test_deeply_nested_workspace_exits_with_findings_not_a_traceback(tmp_path: Path) -> None:
    seed(
        tmp_path,
        **{
            ".vscode/settings.json": '{"a": ' + "[" * 600 + "]" * 600 + "}",
            "pyproject.toml": "[project]\nname = 'my-app'\n[tool.x]\nv = " + "[" * 600 + "]" * 600 + "\n",
            "tests/test_long.py": "import os\nx = " + "+".join(["1"] * 5000) + "\n",
            "tests/test_parens.py": "import os\ny = " + "(" * 1000 + "1" + ")" * 1000 + "\n",
        },
    )
    for fmt in ("text", "json", "sarif", "github"):
        result = cli("check", str(tmp_path), "--format", fmt)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    result = cli("check", str(tmp_path), "--format", "json")
    codes = {item["code"] for item in json.loads(result.stdout)}
    assert {"PD901", "PD902"} <= codes
    fixed = cli("check", "--fix", str(tmp_path))
    assert "Traceback" not in fixed.stderr


def test_deep_nesting_through_the_language_server_process(tmp_path: Path) -> None:
    # The server runs checks on a thread with a smaller stack budget: the same files must not crash it.
    write(tmp_path, {".vscode/settings.json": "[" * 3000 + "]" * 3000})
    code = (
        "import sys, threading\n"
        "from pyproj_doctor import engine\n"
        "out = []\n"
        "t = threading.Thread(target=lambda: out.append(engine.check(sys.argv[1])))\n"
        "t.start(); t.join()\n"
        "print(sorted({f.code for f in out[0].findings}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "PD902" in result.stdout


# --------------------------------------------------------------- language server


async def test_server_publishes_for_a_folder_with_a_non_utf8_file_name(
    editor: Editor, tmp_path: Path
) -> None:
    app = seed(tmp_path)
    bad = os.path.join(os.fsencode(app / "tests"), b"test_\xff.py")
    with open(bad, "w") as handle:
        handle.write("from my_app import main\n\n\ndef test_it():\n    assert main()\n")
    await editor.start(app)
    expected = "file://" + quote(bad, safe="/")  # the raw byte percent-encoded, as VS Code does
    await editor.until(
        lambda: any(
            r.location.uri == expected
            for d in editor.diagnostics(app / "pyproject.toml")
            for r in d.related_information or ()
        )
    )
    assert "PD201" in editor.codes(app / "pyproject.toml")
