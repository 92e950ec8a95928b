"""Properties of the JSONC module on random documents with random comments and whitespace."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pyproj_doctor.formats import jsonc
from tests.jsonc_gen import render

keys = st.sampled_from(["a", "b", "python.analysis.extraPaths", "**/*.pyc", "é", "😀", 'q"', ""])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)
objects = st.dictionaries(keys, values, max_size=5)


def written(value: Any, seed: int) -> tuple[str, list[str]]:
    comments: list[str] = []
    return render(value, random.Random(seed), comments), comments


def comments_of(text: str) -> list[str]:
    doc = jsonc.parse(text)
    return [text[s:e] for s, e in doc.comments]


@settings(max_examples=300, deadline=None)
@given(values, st.integers(0, 2**32))
def test_parse_equals_json_loads_of_the_comment_free_text(value: Any, seed: int) -> None:
    text, _ = written(value, seed)
    doc = jsonc.parse(text)
    assert doc.ok, text
    assert doc.value() == json.loads(json.dumps(value))


@settings(max_examples=300, deadline=None)
@given(objects, st.lists(keys, min_size=1, max_size=3), values, st.integers(0, 2**32))
def test_set_value_then_parse_gives_the_value_and_keeps_comments(
    value: dict[str, Any], path: list[str], new: Any, seed: int
) -> None:
    text, _ = written(value, seed)
    before = comments_of(text)
    doc = jsonc.parse(text)
    # Setting below a scalar replaces it: only walk into objects.
    node = doc.root
    for depth, key in enumerate(path):
        assert node is not None
        child = node.get(key) if node.type == "object" else None
        if child is None or child.type != "object":
            path = path[: depth + 1]
            break
        node = child
    result = jsonc.apply(text, jsonc.set_value(text, tuple(path), new))
    parsed = jsonc.parse(result)
    assert parsed.ok, result
    assert parsed.find(tuple(path)) is not None
    assert parsed.find(tuple(path)).to_value() == json.loads(json.dumps(new))  # type: ignore[union-attr]
    after = comments_of(result)
    for comment in before:
        assert comment in after, (comment, text, result)


@settings(max_examples=200, deadline=None)
@given(objects, keys, st.text(max_size=6), st.integers(0, 2**32))
def test_append_and_remove_round_trip(value: dict[str, Any], key: str, item: str, seed: int) -> None:
    text, _ = written(value, seed)
    before = comments_of(text)
    appended = jsonc.apply(text, jsonc.append_to_array(text, (key,), item))
    parsed = jsonc.parse(appended)
    assert parsed.ok, appended
    array = parsed.find((key,))
    assert array is not None and array.type == "array"
    assert array.to_value()[-1] == item
    removed = jsonc.apply(appended, jsonc.remove_value(appended, (key,)))
    reparsed = jsonc.parse(removed)
    assert reparsed.ok, removed
    expected = {k: v for k, v in json.loads(json.dumps(value)).items() if k != key}
    assert reparsed.value() == expected
    # The removal stays within the property, its comma and the rest of that comma's line.
    prop = parsed.root.property(key) if parsed.root else None
    assert prop is not None
    after = jsonc._skip_trivia(appended, prop.end)
    if appended[after : after + 1] == ",":
        after += 1
    line_end = appended.find("\n", after)
    limit_end = len(appended) if line_end < 0 else line_end + 1
    limit_start = appended.rfind(",", 0, prop.offset)
    limit_start = max(0, appended.rfind("\n", 0, prop.offset) if limit_start < 0 else limit_start)
    for edit in jsonc.remove_value(appended, (key,)):
        assert limit_start <= edit.start and edit.end <= limit_end, (appended, edit)
    kept = comments_of(removed)
    lost = [c for c in before if c not in kept]
    assert all(c in appended[limit_start:limit_end] for c in lost)


@settings(max_examples=200, deadline=None)
@given(objects, keys, st.lists(values, min_size=1, max_size=5), st.integers(0, 10**6))
def test_extend_array_is_appending_one_at_a_time(
    value: dict[str, Any], key: str, items: list[Any], seed: int
) -> None:
    """Extending parses once but must give exactly the text of one append per item."""
    text, _ = written(value, seed)
    expected: str | None
    try:
        current = text
        for item in items:
            current = jsonc.apply(current, jsonc.append_to_array(current, (key,), item))
        expected = current
    except jsonc.EditError:
        expected = None
    try:
        extended: str | None = jsonc.apply(text, jsonc.extend_array(text, (key,), items))
    except jsonc.EditError:
        extended = None
    assert extended == expected


@given(st.sampled_from(["\n", "\r\n"]), st.sampled_from(["  ", "\t", ""]), st.booleans(), st.integers(0, 3))
def test_extend_array_layouts(eol: str, indent: str, trailing_comma: bool, existing: int) -> None:
    """Hand-written layouts: multi-line arrays with comments, trailing commas and CRLF."""
    members = [f'{indent}{indent}"./m{n}"' for n in range(existing)]
    body = ("," + eol).join(members) + ("," if trailing_comma and members else "")
    text = (
        f'{{{eol}{indent}// settings{eol}{indent}"python.analysis.extraPaths": [{eol}'
        f"{body}{eol if members else ''}{indent}] // roots{eol}}}{eol}"
    )
    items = [f"./packages/member{n}/src" for n in range(4)]
    expected = text
    for item in items:
        expected = jsonc.apply(
            expected, jsonc.append_to_array(expected, ("python.analysis.extraPaths",), item)
        )
    assert jsonc.apply(text, jsonc.extend_array(text, ("python.analysis.extraPaths",), items)) == expected
