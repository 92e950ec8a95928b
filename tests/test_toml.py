"""TOML positions and edits; tomlkit is the independent parser that checks our edits."""

from __future__ import annotations

import pytest
import tomlkit

from pyproj_doctor.findings import TextEdit
from pyproj_doctor.formats import toml
from pyproj_doctor.text import apply_edits

PYPROJECT = """\
# Project file
[project]
name = "demo"  # the name
requires-python = ">=3.9"
dependencies = [
  "requests",  # http
  "rich",
]

[tool]
pytest.ini_options.addopts = "-q"

[tool.pyright]
extraPaths = ["lib"]
settings = { a = 1, "b.c" = [1, 2] }
when = 1979-05-27 07:32:00Z
text = \"\"\"multi \\\"\"\" quote
line\"\"\"
raw = 'C:\\path'

[[tool.hatch.envs.matrix]]
python = ["3.11"]

[[tool.hatch.envs.matrix]]
python = ["3.12"]
"""


def span_text(text: str, span: tuple[int, int] | None) -> str:
    assert span is not None
    return text[span[0] : span[1]]


def edited(text: str, edits: list[TextEdit]) -> str:
    result = apply_edits(text, edits)
    assert toml.parse(result).ok, result
    # Another parser agrees, and round-trips the result byte for byte.
    assert tomlkit.dumps(tomlkit.parse(result)) == result
    return result


class TestPositions:
    def test_headers_keys_and_values(self) -> None:
        doc = toml.parse(PYPROJECT)
        assert doc.ok
        assert span_text(PYPROJECT, doc.span_of("project")) == "[project]"
        entry = doc.entry("project", "requires-python")
        assert entry is not None
        assert PYPROJECT[entry.key_start : entry.key_end] == "requires-python"
        assert PYPROJECT[entry.value.start : entry.value.end] == '">=3.9"'

    def test_dotted_keys_define_tables(self) -> None:
        doc = toml.parse(PYPROJECT)
        assert (
            span_text(PYPROJECT, doc.span_of("tool", "pytest", "ini_options")) == "pytest.ini_options.addopts"
        )
        assert doc.get("tool", "pytest", "ini_options", "addopts") == "-q"

    def test_inline_tables_and_array_items(self) -> None:
        doc = toml.parse(PYPROJECT)
        entry = doc.entry("tool", "pyright", "settings", "b.c")
        assert entry is not None
        assert PYPROJECT[entry.key_start : entry.key_end] == '"b.c"'
        items = entry.value.items
        assert [PYPROJECT[i.start : i.end] for i in items] == ["1", "2"]
        deps = doc.entry("project", "dependencies")
        assert deps is not None
        assert [PYPROJECT[i.start : i.end] for i in deps.value.items] == ['"requests"', '"rich"']

    def test_strings_dates_and_arrays_of_tables(self) -> None:
        doc = toml.parse(PYPROJECT)
        when = doc.entry("tool", "pyright", "when")
        assert when is not None and PYPROJECT[when.value.start : when.value.end] == "1979-05-27 07:32:00Z"
        second = doc.entry("tool", "hatch", "envs", "matrix", 1, "python")
        assert second is not None and PYPROJECT[second.value.start : second.value.end] == '["3.12"]'

    def test_native_and_ini_options_tables(self) -> None:
        text = '[tool.pytest]\nminversion = "9.0"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n'
        doc = toml.parse(text)
        assert span_text(text, doc.span_of("tool", "pytest")) == "[tool.pytest]"
        assert span_text(text, doc.span_of("tool", "pytest", "ini_options")) == "[tool.pytest.ini_options]"

    @pytest.mark.parametrize(
        ("text", "line", "column"),
        [("a = 1\nb = [1,\n", 2, 0), ('[project]\nname = "x\n', 1, 9), ("a = 1\na = 2\n", 1, 5)],
    )
    def test_errors_are_located(self, text: str, line: int, column: int) -> None:
        error = toml.parse(text).error
        assert error is not None
        assert (error.line, error.column) == (line, column)


class TestEdits:
    def test_insert_after_last_key_not_after_trailing_comment(self) -> None:
        text = '[tool.pytest.ini_options]\naddopts = "-q"  # quiet\n\n# next table\n[tool.ruff]\n'
        doc = toml.parse(text)
        result = edited(text, toml.set_key(doc, ("tool", "pytest", "ini_options"), "pythonpath", ["src"]))
        assert result == (
            '[tool.pytest.ini_options]\naddopts = "-q"  # quiet\npythonpath = ["src"]\n\n# next table\n[tool.ruff]\n'
        )

    def test_dotted_table_gets_a_dotted_key(self) -> None:
        doc = toml.parse(PYPROJECT)
        result = edited(
            PYPROJECT, toml.set_key(doc, ("tool", "pytest", "ini_options"), "pythonpath", ["src"])
        )
        assert 'pytest.ini_options.addopts = "-q"\npytest.ini_options.pythonpath = ["src"]\n' in result

    def test_a_sub_table_header_is_no_place_for_its_parent_keys(self) -> None:
        # `[tool.uv.workspace]` or `[tool.uv.sources]` hold their own keys: a `[tool.uv]` key goes
        # into a new `[tool.uv]` table, never under their headers.
        for sub in ("[tool.uv.workspace]\nmembers = []\n", "[tool.uv.sources]\nx = { workspace = true }\n"):
            text = '[project]\nname = "x"\n\n' + sub
            result = edited(text, toml.set_key(toml.parse(text), ("tool", "uv"), "package", False))
            assert result == text + "\n[tool.uv]\npackage = false\n"
            assert tomlkit.parse(result)["tool"]["uv"]["package"] is False

    def test_inline_table_gets_an_inline_key(self) -> None:
        doc = toml.parse(PYPROJECT)
        result = edited(PYPROJECT, toml.set_key(doc, ("tool", "pyright", "settings"), "x", True))
        assert 'settings = { a = 1, "b.c" = [1, 2], x = true }' in result

    def test_new_table_at_end_keeps_final_newline_style(self) -> None:
        doc = toml.parse('[project]\nname = "x"\n')
        assert edited(
            doc.text, toml.set_key(doc, ("tool", "pytest", "ini_options"), "pythonpath", ["src"])
        ) == ('[project]\nname = "x"\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n')
        doc = toml.parse('[project]\nname = "x"')
        assert edited(doc.text, toml.set_key(doc, ("a",), "b", 1)) == '[project]\nname = "x"\n\n[a]\nb = 1'

    def test_crlf_is_kept(self) -> None:
        text = '[project]\r\nname = "x"\r\n'
        doc = toml.parse(text)
        result = edited(text, toml.set_key(doc, ("project",), "version", "1"))
        assert result == '[project]\r\nname = "x"\r\nversion = "1"\r\n'

    def test_append_to_multi_line_array_with_comments(self) -> None:
        doc = toml.parse(PYPROJECT)
        deps = doc.entry("project", "dependencies")
        assert deps is not None
        result = edited(PYPROJECT, toml.append_item(doc, deps.value, "pytest"))
        assert '  "requests",  # http\n  "rich",\n  "pytest",\n]' in result

    def test_append_to_one_line_and_empty_arrays(self) -> None:
        text = 'a = ["x"]\nb = []\nc = [\n  "x"  # last\n]\n'
        doc = toml.parse(text)

        def append(key: str) -> str:
            entry = doc.entry(key)
            assert entry is not None
            return edited(text, toml.append_item(doc, entry.value, "y"))

        assert 'a = ["x", "y"]' in append("a")
        assert 'b = ["y"]' in append("b")
        assert 'c = [\n  "x",  # last\n  "y"\n]' in append("c")

    def test_invalid_document_is_not_edited(self) -> None:
        doc = toml.parse("a = [\n")
        with pytest.raises(toml.TomlEditError):
            toml.set_key(doc, ("tool",), "x", 1)
