"""The JSONC scanner, tree and edits on the cases VS Code files actually contain."""

from __future__ import annotations

import pytest

from pyproj_doctor.formats import jsonc
from pyproj_doctor.formats.jsonc import ErrorCode


def edit(text: str, op: str, path: tuple[str | int, ...], value: object = None) -> str:
    if op == "set":
        edits = jsonc.set_value(text, path, value)
    elif op == "append":
        edits = jsonc.append_to_array(text, path, value)
    else:
        edits = jsonc.remove_value(text, path)
    result = jsonc.apply(text, edits)
    assert jsonc.parse(result).ok, result
    return result


class TestParse:
    def test_comments_and_trailing_commas(self) -> None:
        doc = jsonc.parse('{\n  // line\n  "a": 1, /* block */\n  "b": [1, 2,],\n}\n')
        assert doc.ok
        assert doc.value() == {"a": 1, "b": [1, 2]}
        assert len(doc.comments) == 2

    def test_comment_markers_inside_strings_are_text(self) -> None:
        doc = jsonc.parse('{"files.exclude": {"**/*.pyc": true}, "url": "http://x/*y*/", "g": "/*.toml"}')
        assert doc.ok
        assert doc.value() == {"files.exclude": {"**/*.pyc": True}, "url": "http://x/*y*/", "g": "/*.toml"}
        assert doc.comments == []

    def test_escaped_quotes_and_unicode(self) -> None:
        doc = jsonc.parse(r'{"a": "say \"hi\" \u00e9 \ud83d\ude00"}')
        assert doc.value() == {"a": 'say "hi" é 😀'}

    def test_positions_of_keys_and_values(self) -> None:
        text = '{\n\t"python.analysis.extraPaths": ["./src"]\n}'
        doc = jsonc.parse(text)
        assert doc.root is not None
        prop = doc.root.property("python.analysis.extraPaths")
        assert prop is not None and prop.value_node is not None
        assert text[prop.offset : prop.children[0].end] == '"python.analysis.extraPaths"'
        assert text[prop.value_node.offset : prop.value_node.end] == '["./src"]'
        assert text[prop.colon_offset] == ":"

    def test_duplicate_keys_last_wins(self) -> None:
        doc = jsonc.parse('{"a": 1, "a": 2}')
        assert doc.value() == {"a": 2}
        node = doc.find(("a",))
        assert node is not None and node.offset == 14

    @pytest.mark.parametrize(
        ("text", "code", "offset"),
        [
            ('{"a": 1 "b": 2}', ErrorCode.CommaExpected, 8),
            ('{"a": "unterminated}', ErrorCode.UnexpectedEndOfString, 6),
            ('{"a": 1} /* open', ErrorCode.UnexpectedEndOfComment, 9),
            ("{ // only a comment }", ErrorCode.CloseBraceExpected, 21),
            ("", ErrorCode.ValueExpected, 0),
            ('{"a": }', ErrorCode.ValueExpected, 6),
            ('{"a" 1}', ErrorCode.ColonExpected, 5),
            ('{"a": tru}', ErrorCode.InvalidSymbol, 6),
            ("[1] 2", ErrorCode.EndOfFileExpected, 4),
        ],
    )
    def test_first_error_code_and_position(self, text: str, code: ErrorCode, offset: int) -> None:
        doc = jsonc.parse(text)
        assert doc.errors, text
        assert (doc.errors[0].code, doc.errors[0].offset) == (code, offset)

    def test_crlf_and_tabs(self) -> None:
        doc = jsonc.parse('{\r\n\t"a": [\r\n\t\t1\r\n\t]\r\n}\r\n')
        assert doc.ok and doc.value() == {"a": [1]}


class TestEdits:
    def test_add_key_after_trailing_line_comment(self) -> None:
        text = '{\n    "a": 1 // keep me\n}\n'
        assert edit(text, "set", ("b",), True) == '{\n    "a": 1, // keep me\n    "b": true\n}\n'

    def test_add_key_keeps_trailing_comma_style(self) -> None:
        text = '{\n    "a": 1, // keep me\n}\n'
        assert edit(text, "set", ("b",), 2) == '{\n    "a": 1, // keep me\n    "b": 2,\n}\n'

    def test_add_key_uses_tabs_and_crlf(self) -> None:
        text = '{\r\n\t"a": 1\r\n}\r\n'
        assert edit(text, "set", ("b",), [1]) == '{\r\n\t"a": 1,\r\n\t"b": [1]\r\n}\r\n'

    def test_add_key_two_space_indent(self) -> None:
        text = '{\n  "a": {\n    "x": 1\n  }\n}'
        assert edit(text, "set", ("a", "y"), 2) == '{\n  "a": {\n    "x": 1,\n    "y": 2\n  }\n}'

    def test_one_line_object_stays_one_line(self) -> None:
        assert edit('{"a": 1}', "set", ("b",), 2) == '{"a": 1, "b": 2}'

    def test_one_line_array_stays_one_line(self) -> None:
        text = '{\n    "recommendations": ["ms-python.python"]\n}'
        assert edit(text, "append", ("recommendations",), "charliermarsh.ruff") == (
            '{\n    "recommendations": ["ms-python.python", "charliermarsh.ruff"]\n}'
        )

    def test_multi_line_array_gets_a_new_line(self) -> None:
        text = '{\n  "r": [\n    "a", // first\n    "b"\n  ]\n}'
        assert (
            edit(text, "append", ("r",), "c") == '{\n  "r": [\n    "a", // first\n    "b",\n    "c"\n  ]\n}'
        )

    def test_empty_containers(self) -> None:
        assert edit("{}", "set", ("a",), 1) == '{\n    "a": 1\n}'
        assert edit('{"r": []}', "append", ("r",), "x") == '{"r": ["x"]}'
        assert edit("{\n}\n", "set", ("a",), 1) == '{\n    "a": 1\n}\n'

    def test_empty_file_and_only_comment(self) -> None:
        assert edit("", "set", ("a",), [1]) == '{\n    "a": [1]\n}\n'
        text = "{\n    // settings go here\n}\n"
        assert edit(text, "set", ("a",), 1) == '{\n    // settings go here\n    "a": 1\n}\n'

    def test_nested_creation(self) -> None:
        text = '{\n    "x": 1\n}'
        assert (
            edit(text, "set", ("settings", "k"), True)
            == '{\n    "x": 1,\n    "settings": {\n        "k": true\n    }\n}'
        )

    def test_replace_value_and_array_item(self) -> None:
        assert edit('{"a": false}', "set", ("a",), True) == '{"a": true}'
        assert edit('{"a": ["x", "y"]}', "set", ("a", 1), "z") == '{"a": ["x", "z"]}'

    def test_same_value_is_no_edit(self) -> None:
        assert jsonc.set_value('{"a": true}', ("a",), True) == []

    def test_remove_property_keeps_comments_elsewhere(self) -> None:
        text = '{\n    // head\n    "a": 1,\n    "b": 2, // b\n    "c": 3\n}\n'
        # The comment on the removed member's line stays (it may explain more than the member).
        assert edit(text, "remove", ("b",)) == '{\n    // head\n    "a": 1,\n    // b\n    "c": 3\n}\n'
        assert edit(text, "remove", ("c",)) == '{\n    // head\n    "a": 1,\n    "b": 2 // b\n}\n'

    def test_remove_array_items(self) -> None:
        assert edit('["a", "b", "c"]', "remove", (1,)) == '["a", "c"]'
        assert edit('["a", "b"]', "remove", (1,)) == '["a"]'
        assert edit('[\n  "a",\n  "b"\n]', "remove", (0,)) == '[\n  "b"\n]'

    def test_comment_after_last_value_does_not_swallow_insertion(self) -> None:
        text = '{\n    "a": 1 /* c */\n}'
        result = edit(text, "set", ("b",), 2)
        assert "/* c */" in result and jsonc.parse(result).value() == {"a": 1, "b": 2}

    def test_broken_file_is_never_edited(self) -> None:
        with pytest.raises(jsonc.EditError):
            jsonc.set_value('{"a": 1 "b": 2}', ("c",), 1)

    def test_non_bmp_text_before_key(self) -> None:
        text = '{\n    "😀": 1\n}'
        assert edit(text, "set", ("b",), 2) == '{\n    "😀": 1,\n    "b": 2\n}'
