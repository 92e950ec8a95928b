"""Turning "this file should also say X" into minimal file changes.

Each builder reads the current text from the snapshot (so unsaved buffers and
earlier fixes in the same run are respected), applies one or more structural
operations in memory, and returns the single smallest edit between the old and
the new text. A file that does not parse raises ``FixUnavailable``: it is
reported, never rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Callable

from pyproj_doctor.findings import FileChange, TextEdit
from pyproj_doctor.formats import ini, jsonc, toml
from pyproj_doctor.text import apply_edits, detect_eol, minimal_edit
from pyproj_doctor.workspace.snapshot import Snapshot


class JsonOp:
    """One operation on a JSON text, named by ``key``: equal keys make equal edits of one text."""

    __slots__ = ("apply", "key")

    def __init__(self, apply: Callable[[str], list[TextEdit]], *key: Any) -> None:
        self.apply = apply
        # The values are JSON (they are written into the file): their JSON text names them.
        try:
            self.key: str | None = json.dumps(key)
        except (TypeError, ValueError):
            self.key = None  # not a value we can name: built every time

    def __call__(self, text: str) -> list[TextEdit]:
        return self.apply(text)


# Changes built before, by (file, its text, the operations): a keystroke re-check finds the same
# problems in the same unchanged files, and rendering a long list into a file is not cheap.
_JSON_CHANGES: dict[tuple[str, str | None, tuple[str | None, ...]], FileChange] = {}


class FixUnavailable(Exception):
    """The change cannot be made safely."""


def _change(snapshot: Snapshot, rel: str, before: str | None, after: str) -> FileChange:
    if before is None:
        return FileChange(rel, (TextEdit(0, 0, after),), create=True)
    edit = minimal_edit(before, after)
    return FileChange(rel, (edit,) if edit else ())


def _current(snapshot: Snapshot, rel: str) -> str | None:
    if snapshot.is_file(rel):
        text = snapshot.text(rel)
        if text is None:
            raise FixUnavailable(f"{rel} cannot be read")
        return text
    return None


def json_ops(snapshot: Snapshot, rel: str, ops: Sequence[JsonOp]) -> FileChange:
    """Apply JSON operations one after another; a missing file starts as ``{}``."""
    before = _current(snapshot, rel)
    names = tuple(op.key for op in ops)
    key = (rel, before, names) if None not in names else None
    found = _JSON_CHANGES.get(key) if key is not None else None
    if found is not None:
        return found
    text = before if before is not None else ""
    if before is not None and not jsonc.parse(before).ok:
        raise FixUnavailable(f"{rel} is not valid JSONC")
    for op in ops:
        text = apply_edits(text, op(text))
    change = _change(snapshot, rel, before, text)
    if key is not None:
        if len(_JSON_CHANGES) >= 1024:
            _JSON_CHANGES.clear()
        _JSON_CHANGES[key] = change
    return change


def json_set(path: jsonc.JsonPath, value: Any) -> JsonOp:
    return JsonOp(lambda text: jsonc.set_value(text, path, value), "set", path, value)


def json_append(path: jsonc.JsonPath, value: Any) -> JsonOp:
    return JsonOp(lambda text: jsonc.append_to_array(text, path, value), "append", path, value)


def json_extend(path: jsonc.JsonPath, values: Sequence[Any]) -> JsonOp:
    """Append each value in turn (one op, so a long list is not re-parsed per value)."""
    values = list(values)
    return JsonOp(lambda text: jsonc.extend_array(text, path, values), "extend", path, values)


def json_remove(path: jsonc.JsonPath) -> JsonOp:
    return JsonOp(lambda text: jsonc.remove_value(text, path), "remove", path)


TomlOp = Callable[[toml.TomlDocument], list[TextEdit]]


def toml_ops(snapshot: Snapshot, rel: str, ops: Sequence[TomlOp]) -> FileChange:
    """Apply TOML operations one after another (each on a fresh parse of the result)."""
    before = _current(snapshot, rel)
    text = before if before is not None else ""
    for op in ops:
        doc = toml.parse(text)
        if doc.error is not None:
            raise FixUnavailable(f"{rel} is not valid TOML")
        text = apply_edits(text, op(doc))
    if toml.parse(text).error is not None:
        raise FixUnavailable(f"the edit would make {rel} invalid")
    return _change(snapshot, rel, before, text)


def toml_set_key(table: tuple[str, ...], key: str, value: Any) -> TomlOp:
    return lambda doc: toml.set_key(doc, table, key, value)


def toml_append(path: toml.TomlPath, value: Any) -> TomlOp:
    """Append to the array at ``path`` (an ``int`` segment names an entry of an array of tables,
    ``[[header]]`` or inline); create ``key = [value]`` when it is missing."""

    def op(doc: toml.TomlDocument) -> list[TextEdit]:
        entry = doc.entry(*path)
        if entry is None:
            key = path[-1]
            if not isinstance(key, str):
                raise FixUnavailable(f"{toml.format_path(path)} is missing")
            return toml.set_key(doc, path[:-1], key, [value])
        if entry.value.kind != "array":
            raise FixUnavailable(f"{toml.format_path(path)} is not an array")
        return toml.append_item(doc, entry.value, value)

    return op


def toml_replace(path: tuple[str, ...], value: Any) -> TomlOp:
    def op(doc: toml.TomlDocument) -> list[TextEdit]:
        entry = doc.entry(*path)
        if entry is None:
            raise FixUnavailable(f"{'.'.join(path)} is missing")
        return toml.replace_value(doc, entry.value, value)

    return op


def ini_change(snapshot: Snapshot, rel: str, section: str, key: str, word: str) -> FileChange:
    """Add ``word`` to ``key`` in an INI section (adding the key when missing)."""
    before = _current(snapshot, rel)
    if before is None:
        raise FixUnavailable(f"{rel} does not exist")
    doc = ini.parse(before)
    found = doc.section(section)
    if found is None:
        eol = detect_eol(before)
        lead = "" if not before or before.endswith("\n") else eol
        after = f"{before}{lead}[{section}]{eol}{key} = {word}{eol}"
        return _change(snapshot, rel, before, after)
    entry = found.get(key)
    edits = ini.append_word(doc, entry, word) if entry else ini.add_entry(doc, found, key, word)
    return _change(snapshot, rel, before, apply_edits(before, edits))


def create_file(snapshot: Snapshot, rel: str, content: str) -> FileChange:
    if snapshot.exists(rel):
        raise FixUnavailable(f"{rel} already exists")
    return FileChange(rel, (TextEdit(0, 0, content),), create=True)
