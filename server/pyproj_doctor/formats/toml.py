"""TOML with positions and surgical edits.

Values are read with the standard parser (``tomllib``, or ``tomli`` before
Python 3.11), which also decides validity. A small scanner of our own records
where each table header, key and value sits, so findings can point at them and
edits can insert text next to them without re-serialising the document: every
byte the user wrote, comments and line endings included, stays as it was.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any, Union

from pyproj_doctor.findings import TextEdit
from pyproj_doctor.text import detect_eol, indent_at, line_start

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older interpreters only
    import tomli as tomllib

Seg = Union[str, int]
TomlPath = tuple[Seg, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^\s,\]\}#]+")
_DATE_TIME_SPACE = re.compile(r"\d{4}-\d{2}-\d{2} (?=\d)")
_ERROR_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(eq=False)
class TomlValue:
    kind: str  # string | array | table (inline) | scalar
    start: int
    end: int
    items: list[TomlValue] = field(default_factory=list)
    entries: list[TomlEntry] = field(default_factory=list)


@dataclass(eq=False)
class TomlEntry:
    """``key = value``; ``path`` is absolute (table path + the dotted key)."""

    path: TomlPath
    key_start: int
    key_end: int
    value: TomlValue
    line_end: int  # after the value and any comment on its last line


@dataclass(eq=False)
class TomlTable:
    """A ``[header]`` (or ``[[header]]``) and the entries written under it."""

    path: TomlPath
    header_start: int
    header_end: int
    is_array: bool
    body_end: int
    entries: list[TomlEntry] = field(default_factory=list)


@dataclass
class TomlError:
    message: str
    line: int  # 0-based
    column: int  # 0-based
    too_deep: bool = False  # valid TOML perhaps, but nested beyond what we (and tomllib) read


@dataclass
class TomlDocument:
    text: str
    data: dict[str, Any]
    tables: list[TomlTable]
    entries: dict[TomlPath, TomlEntry]
    error: TomlError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def get(self, *path: Seg) -> Any:
        """The parsed value at ``path``, or None."""
        node: Any = self.data
        for seg in path:
            if isinstance(seg, int):
                if not isinstance(node, list) or not 0 <= seg < len(node):
                    return None
            elif not isinstance(node, dict) or seg not in node:
                return None
            node = node[seg]
        return node

    def table(self, *path: Seg) -> TomlTable | None:
        for table in self.tables:
            if table.path == path and not table.is_array:
                return table
        return None

    def entry(self, *path: Seg) -> TomlEntry | None:
        return self.entries.get(path)

    def span_of(self, *path: Seg) -> tuple[int, int] | None:
        """Where the table or key at ``path`` is introduced: its header or its key.

        A table defined only through dotted keys (``pytest.ini_options.x = 1``)
        is located at the first such key.
        """
        table = self.table(*path)
        if table is not None:
            return (table.header_start, table.header_end)
        entry = self.entries.get(path)
        if entry is not None:
            return (entry.key_start, entry.key_end)
        for key, entry in self.entries.items():
            if key[: len(path)] == path:
                return (entry.key_start, entry.key_end)
        for table in self.tables:
            if table.path[: len(path)] == path:
                return (table.header_start, table.header_end)
        return None


def parse(text: str) -> TomlDocument:
    """Parse TOML; an invalid document has ``error`` set and no data."""
    too_deep = _too_deep(text)
    if too_deep is not None:
        return TomlDocument(text, {}, [], {}, too_deep)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return TomlDocument(text, {}, [], {}, _error_of(exc, text))
    except RecursionError:  # pragma: no cover - _too_deep keeps nesting far below the limit
        return TomlDocument(text, {}, [], {}, TomlError("nesting too deep to read", 0, 0, too_deep=True))
    scanner = _Scanner(text)
    try:
        scanner.scan_document()
    except _ScanFailure:
        # The standard parser accepted it: fall back to data without positions.
        return TomlDocument(text, data, [], {})
    return TomlDocument(text, data, scanner.tables, scanner.entries)


MAX_DEPTH = 100  # tomllib recurses per level of arrays and inline tables
_NESTING_TOKEN = re.compile(r'"""' + r"|'''|[\"'#\[\]{}\n]")


def _too_deep(text: str) -> TomlError | None:
    """Where arrays and inline tables nest deeper than ``MAX_DEPTH`` (strings and comments skipped).

    ``tomllib`` and our scanner both recurse per level: a crafted file would
    otherwise raise RecursionError instead of being reported.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    pos = 0
    while True:
        match = _NESTING_TOKEN.search(text, pos)
        if match is None:
            return None
        token, pos = match.group(), match.end()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start())
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1)
                message = f"arrays and inline tables nested more than {MAX_DEPTH} levels deep"
                return TomlError(message, line, column, too_deep=True)
        elif token in ("]", "}"):
            depth = max(0, depth - 1)
        elif token == "#":
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end
        elif token != "\n":
            # A string: skip to its closing quote (escapes only in basic strings).
            quote = token
            while True:
                end = text.find(quote, pos)
                if end < 0:
                    return None  # unterminated: tomllib reports it
                if quote[0] == '"' and _escaped(text, end):
                    pos = end + 1
                    continue
                pos = end + len(quote)
                break


def _escaped(text: str, at: int) -> bool:
    backslashes = 0
    while at - backslashes - 1 >= 0 and text[at - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _error_of(exc: Exception, text: str) -> TomlError:
    message = str(exc)
    match = _ERROR_POSITION.search(message)
    if match:
        line, column = int(match.group(1)) - 1, int(match.group(2)) - 1
        message = message[: match.start()].strip()
    else:
        lines = text.split("\n")
        line, column = len(lines) - 1, len(lines[-1])
        message = re.sub(r"\s*\(at end of document\)", "", message)
    return TomlError(message[:1].lower() + message[1:], line, column)


class _ScanFailure(Exception):
    pass


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.tables: list[TomlTable] = []
        self.entries: dict[TomlPath, TomlEntry] = {}
        self.array_counts: dict[TomlPath, int] = {}

    def fail(self) -> None:
        raise _ScanFailure(self.pos)

    def skip_ws(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        self.pos = pos

    def skip_comment(self) -> None:
        if self.text.startswith("#", self.pos):
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end
            if self.text[self.pos - 1 : self.pos] == "\r":
                self.pos -= 1

    def skip_trivia(self) -> None:
        """Whitespace, newlines and comments (between values in arrays, between lines)."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r\n":
                self.pos += 1
            elif ch == "#":
                self.skip_comment()
            else:
                break

    def scan_document(self) -> None:
        text = self.text
        root = TomlTable((), 0, 0, False, 0)
        current = root
        while True:
            self.skip_trivia()
            if self.pos >= len(text):
                break
            if text[self.pos] == "[":
                current = self.scan_header()
                self.tables.append(current)
            else:
                entry = self.scan_entry(current.path)
                current.entries.append(entry)
                current.body_end = entry.line_end

    def scan_header(self) -> TomlTable:
        start = self.pos
        is_array = self.text.startswith("[[", start)
        self.pos += 2 if is_array else 1
        self.skip_ws()
        keys, _, _ = self.scan_key()
        self.skip_ws()
        close = "]]" if is_array else "]"
        if not self.text.startswith(close, self.pos):
            self.fail()
        self.pos += len(close)
        end = self.pos
        path: TomlPath = tuple(keys)
        if is_array:
            index = self.array_counts.get(path, 0)
            self.array_counts[path] = index + 1
            path = (*path, index)
        self.skip_ws()
        self.skip_comment()
        return TomlTable(path, start, end, is_array, self.pos)

    def scan_key(self) -> tuple[list[str], int, int]:
        parts: list[str] = []
        start = self.pos
        while True:
            parts.append(self.scan_simple_key())
            end = self.pos
            self.skip_ws()
            if self.text.startswith(".", self.pos):
                self.pos += 1
                self.skip_ws()
                continue
            return parts, start, end

    def scan_simple_key(self) -> str:
        text, pos = self.text, self.pos
        if text.startswith('"', pos):
            end = self.string_end(pos + 1, '"')
            self.pos = end
            value = tomllib.loads("k = " + text[pos:end])["k"]
            return str(value)
        if text.startswith("'", pos):
            end = text.find("'", pos + 1)
            if end < 0:
                self.fail()
            self.pos = end + 1
            return text[pos + 1 : end]
        match = _BARE_KEY.match(text, pos)
        if not match:
            self.fail()
        assert match is not None
        self.pos = match.end()
        return match.group()

    def string_end(self, pos: int, quote: str) -> int:
        """Offset after the closing quote of a one-line string starting before ``pos``."""
        text = self.text
        while pos < len(text):
            ch = text[pos]
            if ch == "\\" and quote == '"':
                pos += 2
                continue
            if ch == quote:
                return pos + 1
            if ch == "\n":
                break
            pos += 1
        self.fail()
        return pos

    def scan_entry(self, table_path: TomlPath) -> TomlEntry:
        keys, key_start, key_end = self.scan_key()
        if not self.text.startswith("=", self.pos):
            self.fail()
        self.pos += 1
        self.skip_ws()
        path = (*table_path, *keys)
        value = self.scan_value(path)
        self.skip_ws()
        self.skip_comment()
        entry = TomlEntry(path, key_start, key_end, value, self.pos)
        self.entries[path] = entry
        return entry

    def scan_value(self, path: TomlPath) -> TomlValue:
        text, start = self.text, self.pos
        if text.startswith('"""', start) or text.startswith("'''", start):
            quote = text[start : start + 3]
            pos = start + 3
            while True:
                if quote == '"""':
                    backslash = text.find("\\", pos)
                    close = text.find(quote, pos)
                    if 0 <= backslash < close:
                        pos = backslash + 2
                        continue
                else:
                    close = text.find(quote, pos)
                if close < 0:
                    self.fail()
                break
            end = close + 3
            extra = 0
            while extra < 2 and text.startswith(quote[0], end):
                end += 1
                extra += 1
            self.pos = end
            return TomlValue("string", start, end)
        if text.startswith('"', start) or text.startswith("'", start):
            self.pos = self.string_end(start + 1, text[start])
            return TomlValue("string", start, self.pos)
        if text.startswith("[", start):
            self.pos += 1
            value = TomlValue("array", start, start)
            index = 0
            while True:
                self.skip_trivia()
                if self.text.startswith("]", self.pos):
                    self.pos += 1
                    break
                value.items.append(self.scan_value((*path, index)))
                index += 1
                self.skip_trivia()
                if self.text.startswith(",", self.pos):
                    self.pos += 1
                elif not self.text.startswith("]", self.pos):
                    self.fail()
            value.end = self.pos
            return value
        if text.startswith("{", start):
            self.pos += 1
            value = TomlValue("table", start, start)
            while True:
                self.skip_trivia()
                if self.text.startswith("}", self.pos):
                    self.pos += 1
                    break
                value.entries.append(self.scan_entry(path))
                self.skip_trivia()
                if self.text.startswith(",", self.pos):
                    self.pos += 1
                elif not self.text.startswith("}", self.pos):
                    self.fail()
            value.end = self.pos
            return value
        match = _DATE_TIME_SPACE.match(text, start)
        pos = match.end() if match else start
        scalar = _SCALAR.match(text, pos)
        if not scalar:
            self.fail()
        assert scalar is not None
        self.pos = scalar.end()
        return TomlValue("scalar", start, self.pos)


# --------------------------------------------------------------------------
# Rendering and edits


def quote_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(value: str) -> str:
    # A JSON string is a valid TOML basic string, except for escapes of
    # characters outside the BMP, which ensure_ascii=False avoids.
    import json

    return json.dumps(value, ensure_ascii=False)


def render(value: Any) -> str:
    """TOML text for a simple value (strings, numbers, booleans, flat lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{quote_key(k)} = {render(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot render {type(value).__name__} as TOML")


def _skip_inline(text: str, offset: int) -> int:
    while offset < len(text) and text[offset] in " \t":
        offset += 1
    if text.startswith("#", offset):
        while offset < len(text) and text[offset] not in "\r\n":
            offset += 1
    return offset


def _skip_all(text: str, offset: int) -> int:
    while offset < len(text):
        if text[offset] in " \t\r\n":
            offset += 1
        elif text[offset] == "#":
            while offset < len(text) and text[offset] not in "\r\n":
                offset += 1
        else:
            break
    return offset


class TomlEditError(Exception):
    pass


def _require_ok(doc: TomlDocument) -> None:
    if doc.error is not None:
        raise TomlEditError("the file is not valid TOML; it will not be edited")
    if doc.data and not doc.entries and not doc.tables:
        raise TomlEditError("the file's layout is not understood; it will not be edited")


def format_path(path: TomlPath) -> str:
    return ".".join(quote_key(str(p)) for p in path)


def set_key(doc: TomlDocument, table_path: TomlPath, key: str, value: Any) -> list[TextEdit]:
    """Edits adding ``key = value`` to a table (created at the end when missing).

    The table is found whichever way the file wrote it: a ``[header]``,
    dotted keys in a parent table, or an inline table.
    """
    _require_ok(doc)
    text = doc.text
    eol = detect_eol(text)
    line = f"{quote_key(key)} = {render(value)}"
    existing = doc.entry(*table_path, key)
    if existing is not None:
        return [TextEdit(existing.value.start, existing.value.end, render(value))]
    table = doc.table(*table_path)
    if table is not None:
        if table.entries:
            last = table.entries[-1]
            indent = indent_at(text, last.key_start)
            return [TextEdit(last.line_end, last.line_end, f"{eol}{indent}{line}")]
        return [TextEdit(table.body_end, table.body_end, f"{eol}{line}")]
    inline = doc.entry(*table_path)
    if inline is not None and inline.value.kind == "table":
        return _insert_inline(text, inline.value, line)
    # Dotted keys such as ``pytest.ini_options.addopts = ...`` under ``[tool]`` (not the entries of
    # a sub-table's own header: ``[tool.uv.workspace]`` does not make a place for ``[tool.uv]`` keys).
    dotted = [e for p, e in doc.entries.items() if p[: len(table_path)] == table_path]
    dotted = [e for e in dotted if (t := _owner_table(doc, e)) is not None and len(t.path) <= len(table_path)]
    if dotted:
        last = max(dotted, key=lambda e: e.line_end)
        owner = _owner_table(doc, last)
        if owner is not None:
            prefix = table_path[len(owner.path) :]
            indent = indent_at(text, last.key_start)
            dotted_line = f"{format_path((*prefix, key))} = {render(value)}"
            return [TextEdit(last.line_end, last.line_end, f"{eol}{indent}{dotted_line}")]
        raise TomlEditError(f"cannot add to [{format_path(table_path)}] safely")
    block = f"[{format_path(table_path)}]{eol}{line}"
    if not text:
        return [TextEdit(0, 0, block + eol)]
    if text.endswith("\n"):
        separator = "" if text.endswith(eol + eol) else eol
        return [TextEdit(len(text), len(text), f"{separator}{block}{eol}")]
    return [TextEdit(len(text), len(text), f"{eol}{eol}{block}")]


def _owner_table(doc: TomlDocument, entry: TomlEntry) -> TomlTable | None:
    for table in doc.tables:
        if entry in table.entries:
            return table
    # Entries before the first header belong to the root table.
    if all(entry.key_start < t.header_start for t in doc.tables):
        return TomlTable((), 0, 0, False, 0)
    return None


def _insert_inline(text: str, table: TomlValue, line: str) -> list[TextEdit]:
    close = table.end - 1
    if not table.entries:
        return [TextEdit(table.start + 1, close, f" {line} ")]
    last = table.entries[-1]
    return [TextEdit(last.value.end, last.value.end, f", {line}")]


def append_item(doc: TomlDocument, array: TomlValue, value: Any) -> list[TextEdit]:
    """Edits appending ``value`` to an array, in the array's own style."""
    _require_ok(doc)
    text = doc.text
    item = render(value)
    close = array.end - 1
    if not array.items:
        inner = text[array.start + 1 : close]
        if "\n" not in inner:
            return [TextEdit(array.start + 1, close, item)]
        pad = indent_at(text, array.start) + "    "
        bol = line_start(text, close)
        return [TextEdit(bol, bol, f"{pad}{item},{detect_eol(text)}")]
    last = array.items[-1]
    after = _skip_all(text, last.end)
    trailing_comma = after < close and text[after] == ","
    if "\n" not in text[array.start : array.end]:
        if trailing_comma:
            return [TextEdit(after + 1, after + 1, f" {item},")]
        return [TextEdit(last.end, last.end, f", {item}")]
    pad = indent_at(text, last.start)
    if text[line_start(text, last.start) : last.start].strip():
        pad = indent_at(text, array.start) + "    "
    eol = detect_eol(text)
    if trailing_comma:
        anchor = _skip_inline(text, after + 1)
        return [TextEdit(anchor, anchor, f"{eol}{pad}{item},")]
    anchor = _skip_inline(text, last.end)
    return [TextEdit(last.end, last.end, ","), TextEdit(anchor, anchor, f"{eol}{pad}{item}")]


def replace_value(doc: TomlDocument, value_node: TomlValue, value: Any) -> list[TextEdit]:
    _require_ok(doc)
    return [TextEdit(value_node.start, value_node.end, render(value))]
