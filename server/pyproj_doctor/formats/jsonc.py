"""JSON with comments, as VS Code reads it: a scanner, a tree with offsets, and edits.

The parse tree and the error codes follow Microsoft's ``jsonc-parser`` (npm), the
parser VS Code itself uses, so a position we report is the one the editor shows.
The code is ours; ``tests/test_jsonc_oracle.py`` checks it against that package.

Edits are computed as minimal text replacements: comments, key order,
indentation (tabs or spaces), trailing-comma style and line endings of the
surrounding text are kept, one-line arrays and objects stay on one line.

Offsets are code points of the decoded text (Python ``str`` indices).
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from pyproj_doctor.findings import TextEdit
from pyproj_doctor.text import apply_edits, detect_eol, indent_at, line_start

PathSegment = Union[str, int]
JsonPath = tuple[PathSegment, ...]


class ErrorCode(enum.IntEnum):
    """Same numbers as ``ParseErrorCode`` in jsonc-parser."""

    InvalidSymbol = 1
    InvalidNumberFormat = 2
    PropertyNameExpected = 3
    ValueExpected = 4
    ColonExpected = 5
    CommaExpected = 6
    CloseBraceExpected = 7
    CloseBracketExpected = 8
    EndOfFileExpected = 9
    InvalidCommentToken = 10
    UnexpectedEndOfComment = 11
    UnexpectedEndOfString = 12
    UnexpectedEndOfNumber = 13
    InvalidUnicode = 14
    InvalidEscapeCharacter = 15
    InvalidCharacter = 16
    NestingTooDeep = 100  # ours: jsonc-parser has no limit, but Python's stack has one


MAX_DEPTH = 128  # far beyond any settings file; keeps every recursive walk of the tree bounded

ERROR_MESSAGES = {
    ErrorCode.InvalidSymbol: "invalid symbol",
    ErrorCode.InvalidNumberFormat: "invalid number format",
    ErrorCode.PropertyNameExpected: "property name expected",
    ErrorCode.ValueExpected: "value expected",
    ErrorCode.ColonExpected: "colon expected",
    ErrorCode.CommaExpected: "comma expected",
    ErrorCode.CloseBraceExpected: "closing brace expected",
    ErrorCode.CloseBracketExpected: "closing bracket expected",
    ErrorCode.EndOfFileExpected: "end of file expected",
    ErrorCode.InvalidCommentToken: "comments are not allowed",
    ErrorCode.UnexpectedEndOfComment: "unterminated block comment",
    ErrorCode.UnexpectedEndOfString: "unterminated string",
    ErrorCode.UnexpectedEndOfNumber: "unexpected end of number",
    ErrorCode.InvalidUnicode: "invalid unicode escape sequence",
    ErrorCode.InvalidEscapeCharacter: "invalid escape character in string",
    ErrorCode.InvalidCharacter: "invalid control character in string",
    ErrorCode.NestingTooDeep: f"arrays and objects nested more than {MAX_DEPTH} levels deep",
}


@dataclass(frozen=True)
class ParseError:
    code: ErrorCode
    offset: int
    length: int

    @property
    def message(self) -> str:
        return ERROR_MESSAGES[self.code]


class Tok(enum.IntEnum):
    OPEN_BRACE = 1
    CLOSE_BRACE = 2
    OPEN_BRACKET = 3
    CLOSE_BRACKET = 4
    COMMA = 5
    COLON = 6
    NULL = 7
    TRUE = 8
    FALSE = 9
    STRING = 10
    NUMBER = 11
    LINE_COMMENT = 12
    BLOCK_COMMENT = 13
    LINE_BREAK = 14
    TRIVIA = 15
    UNKNOWN = 16
    EOF = 17


class ScanError(enum.IntEnum):
    NONE = 0
    UNEXPECTED_END_OF_COMMENT = 1
    UNEXPECTED_END_OF_STRING = 2
    UNEXPECTED_END_OF_NUMBER = 3
    INVALID_UNICODE = 4
    INVALID_ESCAPE = 5
    INVALID_CHARACTER = 6


_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_PUNCTUATION = {
    "{": Tok.OPEN_BRACE,
    "}": Tok.CLOSE_BRACE,
    "[": Tok.OPEN_BRACKET,
    "]": Tok.CLOSE_BRACKET,
    ":": Tok.COLON,
    ",": Tok.COMMA,
}
_KEYWORDS = {"true": Tok.TRUE, "false": Tok.FALSE, "null": Tok.NULL}
_WHITESPACE = re.compile(r"[ \t]+")
_PLAIN_STRING = re.compile(r'[^"\\\x00-\x1f]*')
_DIGITS = re.compile(r"[0-9]*")
_UNKNOWN_RUN = re.compile(r'[^ \t\r\n{}\[\]":,/]+')
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")


def _after_digits(text: str, pos: int) -> int:
    """The index after the run of ASCII digits starting at ``pos`` (``pos`` itself when none)."""
    match = _DIGITS.match(text, pos)
    return match.end() if match is not None else pos


class Scanner:
    """Tokenizer with the same token boundaries and scan errors as jsonc-parser's."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.token = Tok.UNKNOWN
        self.token_offset = 0
        self.value: Any = ""
        self.error = ScanError.NONE

    @property
    def token_length(self) -> int:
        return self.pos - self.token_offset

    def scan(self) -> Tok:
        text = self.text
        self.value = ""
        self.error = ScanError.NONE
        self.token_offset = pos = self.pos
        if pos >= len(text):
            self.token_offset = len(text)
            self.token = Tok.EOF
            return self.token
        ch = text[pos]
        if ch in " \t":
            match = _WHITESPACE.match(text, pos)
            assert match is not None
            self.pos = match.end()
            self.token = Tok.TRIVIA
        elif ch in "\r\n":
            self.pos = pos + (2 if text.startswith("\r\n", pos) else 1)
            self.token = Tok.LINE_BREAK
        elif ch in _PUNCTUATION:
            self.pos = pos + 1
            self.token = _PUNCTUATION[ch]
        elif ch == '"':
            self.pos = pos + 1
            self.value = self._scan_string()
            self.token = Tok.STRING
        elif ch == "/":
            self.token = self._scan_comment()
        elif ch == "-" or "0" <= ch <= "9":
            self.token = self._scan_number()
        else:
            match = _UNKNOWN_RUN.match(text, pos)
            if match is not None:
                self.pos = match.end()
                self.value = match.group()
                self.token = _KEYWORDS.get(match.group(), Tok.UNKNOWN)
            else:
                self.pos = pos + 1
                self.value = ch
                self.token = Tok.UNKNOWN
        return self.token

    def _scan_comment(self) -> Tok:
        text, start = self.text, self.pos
        nxt = text[start + 1 : start + 2]
        if nxt == "/":
            end = start + 2
            while end < len(text) and text[end] not in "\r\n":
                end += 1
            self.pos = end
            self.value = text[start:end]
            return Tok.LINE_COMMENT
        if nxt == "*":
            close = text.find("*/", start + 2)
            if close >= 0:
                self.pos = close + 2
            else:
                # jsonc-parser's token length for an unterminated comment.
                self.pos = len(text) if start + 2 <= len(text) - 1 else start + 3
                self.error = ScanError.UNEXPECTED_END_OF_COMMENT
            self.value = text[start : self.pos]
            return Tok.BLOCK_COMMENT
        self.pos = start + 1
        self.value = "/"
        return Tok.UNKNOWN

    def _scan_number(self) -> Tok:
        text, start = self.text, self.pos
        pos = start
        if text[pos] == "-":
            pos += 1
            if pos >= len(text) or not "0" <= text[pos] <= "9":
                self.pos = pos
                self.value = "-"
                return Tok.UNKNOWN
        if text[pos] == "0":
            pos += 1
        else:
            pos = _after_digits(text, pos + 1)
        if pos < len(text) and text[pos] == ".":
            pos += 1
            if pos < len(text) and "0" <= text[pos] <= "9":
                pos = _after_digits(text, pos)
            else:
                self.error = ScanError.UNEXPECTED_END_OF_NUMBER
                self.pos = pos
                self.value = text[start:pos]
                return Tok.NUMBER
        end = pos
        if pos < len(text) and text[pos] in "eE":
            pos += 1
            if pos < len(text) and text[pos] in "+-":
                pos += 1
            if pos < len(text) and "0" <= text[pos] <= "9":
                pos = _after_digits(text, pos)
                end = pos
            else:
                self.error = ScanError.UNEXPECTED_END_OF_NUMBER
        self.pos = pos
        self.value = text[start:end]
        return Tok.NUMBER

    def _scan_string(self) -> str:
        text = self.text
        parts: list[str] = []
        pos = self.pos
        while True:
            match = _PLAIN_STRING.match(text, pos)
            assert match is not None
            parts.append(match.group())
            pos = match.end()
            if pos >= len(text):
                self.error = ScanError.UNEXPECTED_END_OF_STRING
                break
            ch = text[pos]
            if ch == '"':
                pos += 1
                break
            if ch == "\\":
                pos += 1
                if pos >= len(text):
                    self.error = ScanError.UNEXPECTED_END_OF_STRING
                    break
                esc = text[pos]
                pos += 1
                if esc in _SIMPLE_ESCAPES:
                    parts.append(_SIMPLE_ESCAPES[esc])
                elif esc == "u":
                    hex_match = _HEX4.match(text, pos)
                    if hex_match:
                        parts.append(chr(int(hex_match.group(), 16)))
                        pos = hex_match.end()
                    else:
                        while pos < len(text) and text[pos] in "0123456789abcdefABCDEF":
                            pos += 1
                        self.error = ScanError.INVALID_UNICODE
                else:
                    self.error = ScanError.INVALID_ESCAPE
                continue
            # A control character: a line break ends the string, others are kept.
            if ch in "\r\n":
                self.error = ScanError.UNEXPECTED_END_OF_STRING
                break
            self.error = ScanError.INVALID_CHARACTER
            parts.append(ch)
            pos += 1
        self.pos = pos
        return _join_surrogates("".join(parts))


def _number(text: str) -> Any:
    if any(c in text for c in ".eE"):
        return float(text)
    return int(text)


def _join_surrogates(text: str) -> str:
    """``\\ud83d\\ude00`` escapes decode to one code point, as JSON means them."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")


@dataclass(eq=False)
class Node:
    """A value or property in the tree, with its offset and length in the text."""

    type: str  # object | array | property | string | number | boolean | null
    offset: int
    length: int = -1
    value: Any = None
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)
    colon_offset: int = -1

    @property
    def end(self) -> int:
        return self.offset + self.length

    @property
    def key(self) -> str | None:
        """The key of a property node."""
        if self.type == "property" and self.children:
            return str(self.children[0].value)
        return None

    @property
    def value_node(self) -> Node | None:
        """The value of a property node (None when the text lacks it)."""
        if self.type == "property" and len(self.children) == 2:
            return self.children[1]
        return None

    def property(self, key: str) -> Node | None:
        """The last property called ``key`` (the one VS Code uses when keys repeat)."""
        found = None
        if self.type == "object":
            for child in self.children:
                if child.key == key:
                    found = child
        return found

    def get(self, key: str) -> Node | None:
        prop = self.property(key)
        return prop.value_node if prop is not None else None

    def find(self, path: JsonPath) -> Node | None:
        node: Node | None = self
        for segment in path:
            if node is None:
                return None
            if isinstance(segment, int):
                if node.type != "array" or not 0 <= segment < len(node.children):
                    return None
                node = node.children[segment]
            else:
                node = node.get(segment)
        return node

    def to_value(self) -> Any:
        if self.type == "object":
            result: dict[str, Any] = {}
            for child in self.children:
                value = child.value_node
                if value is not None and child.key is not None:
                    result[child.key] = value.to_value()
            return result
        if self.type == "array":
            return [child.to_value() for child in self.children]
        return self.value


@dataclass
class JsonDocument:
    text: str
    root: Node | None
    errors: list[ParseError]
    comments: list[tuple[int, int]]

    @property
    def ok(self) -> bool:
        return not self.errors

    def find(self, path: JsonPath) -> Node | None:
        return self.root.find(path) if self.root is not None else None

    def value(self) -> Any:
        return self.root.to_value() if self.root is not None else None


class _Parser:
    """Recursive descent with jsonc-parser's recovery, building the tree directly."""

    def __init__(self, text: str, allow_trailing_comma: bool) -> None:
        self.scanner = Scanner(text)
        self.allow_trailing_comma = allow_trailing_comma
        self.errors: list[ParseError] = []
        self.comments: list[tuple[int, int]] = []
        self.top = Node("array", 0)  # holder of the root value
        self.parent: Node = self.top
        self.depth = 0

    # tree building: the same bookkeeping as jsonc-parser's parseTree
    def _add(self, node: Node) -> Node:
        node.parent = self.parent
        self.parent.children.append(node)
        return node

    def _complete_property(self, end: int) -> None:
        if self.parent.type == "property":
            self.parent.length = end - self.parent.offset
            assert self.parent.parent is not None
            self.parent = self.parent.parent

    def _end_container(self) -> None:
        sc = self.scanner
        end = sc.token_offset + sc.token_length
        self._complete_property(end)
        self.parent.length = end - self.parent.offset
        assert self.parent.parent is not None
        self.parent = self.parent.parent
        self._complete_property(end)

    def _literal(self, kind: str, value: Any) -> None:
        sc = self.scanner
        self._add(Node(kind, sc.token_offset, sc.token_length, value))
        self._complete_property(sc.token_offset + sc.token_length)

    def _separator(self, sep: str) -> None:
        if self.parent.type == "property":
            if sep == ":":
                self.parent.colon_offset = self.scanner.token_offset
            else:
                self._complete_property(self.scanner.token_offset)

    # scanning
    _SCAN_ERRORS: ClassVar[dict[ScanError, ErrorCode]] = {
        ScanError.INVALID_UNICODE: ErrorCode.InvalidUnicode,
        ScanError.INVALID_ESCAPE: ErrorCode.InvalidEscapeCharacter,
        ScanError.UNEXPECTED_END_OF_NUMBER: ErrorCode.UnexpectedEndOfNumber,
        ScanError.UNEXPECTED_END_OF_COMMENT: ErrorCode.UnexpectedEndOfComment,
        ScanError.UNEXPECTED_END_OF_STRING: ErrorCode.UnexpectedEndOfString,
        ScanError.INVALID_CHARACTER: ErrorCode.InvalidCharacter,
    }

    def next(self) -> Tok:
        sc = self.scanner
        while True:
            token = sc.scan()
            if sc.error != ScanError.NONE:
                self._error(self._SCAN_ERRORS[sc.error])
            if token in (Tok.LINE_COMMENT, Tok.BLOCK_COMMENT):
                self.comments.append((sc.token_offset, min(sc.pos, len(sc.text))))
            elif token == Tok.UNKNOWN:
                self._error(ErrorCode.InvalidSymbol)
            elif token not in (Tok.TRIVIA, Tok.LINE_BREAK):
                return token

    def _current(self) -> Tok:
        # A call, so type checkers do not assume the token is unchanged by parsing.
        return self.scanner.token

    def _error(
        self,
        code: ErrorCode,
        skip_until_after: tuple[Tok, ...] = (),
        skip_until: tuple[Tok, ...] = (),
    ) -> None:
        sc = self.scanner
        self.errors.append(ParseError(code, sc.token_offset, sc.token_length))
        if skip_until_after or skip_until:
            token = sc.token
            while token != Tok.EOF:
                if token in skip_until_after:
                    self.next()
                    break
                if token in skip_until:
                    break
                token = self.next()

    # grammar
    def parse_value(self) -> bool:
        sc = self.scanner
        token = sc.token
        if token == Tok.OPEN_BRACKET:
            return self.parse_container(array=True)
        if token == Tok.OPEN_BRACE:
            return self.parse_container(array=False)
        if token == Tok.STRING:
            self._literal("string", sc.value)
        elif token == Tok.NUMBER:
            self._literal("number", _number(sc.value))
        elif token == Tok.NULL:
            self._literal("null", None)
        elif token == Tok.TRUE:
            self._literal("boolean", True)
        elif token == Tok.FALSE:
            self._literal("boolean", False)
        else:
            return False
        self.next()
        return True

    def parse_property(self) -> bool:
        sc = self.scanner
        stop = (Tok.CLOSE_BRACE, Tok.COMMA)
        if sc.token != Tok.STRING:
            self._error(ErrorCode.PropertyNameExpected, (), stop)
            return False
        prop = self._add(Node("property", sc.token_offset))
        self.parent = prop
        prop.children.append(Node("string", sc.token_offset, sc.token_length, sc.value, parent=prop))
        if self.next() == Tok.COLON:
            self._separator(":")
            self.next()
            if not self.parse_value():
                self._error(ErrorCode.ValueExpected, (), stop)
        else:
            self._error(ErrorCode.ColonExpected, (), stop)
        return True

    def parse_container(self, array: bool) -> bool:
        sc = self.scanner
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.errors.append(ParseError(ErrorCode.NestingTooDeep, sc.token_offset, 1))
            raise _TooDeep
        try:
            return self._parse_container(array)
        finally:
            self.depth -= 1

    def _parse_container(self, array: bool) -> bool:
        sc = self.scanner
        close = Tok.CLOSE_BRACKET if array else Tok.CLOSE_BRACE
        node = self._add(Node("array" if array else "object", sc.token_offset))
        self.parent = node
        self.next()
        needs_comma = False
        while sc.token not in (close, Tok.EOF):
            if sc.token == Tok.COMMA:
                if not needs_comma:
                    self._error(ErrorCode.ValueExpected)
                self._separator(",")
                self.next()
                if sc.token == close and self.allow_trailing_comma:
                    break
            elif needs_comma:
                self._error(ErrorCode.CommaExpected)
            ok = self.parse_value() if array else self.parse_property()
            if not ok:
                self._error(ErrorCode.ValueExpected, (), (close, Tok.COMMA))
            needs_comma = True
        self._end_container()
        if sc.token != close:
            code = ErrorCode.CloseBracketExpected if array else ErrorCode.CloseBraceExpected
            self._error(code, (close,), ())
        else:
            self.next()
        return True

    def parse(self) -> Node | None:
        self.next()
        if self.scanner.token == Tok.EOF or not self.parse_value():
            self._error(ErrorCode.ValueExpected)
        elif self._current() != Tok.EOF:
            self._error(ErrorCode.EndOfFileExpected)
        root = self.top.children[0] if self.top.children else None
        if root is not None:
            root.parent = None
        return root


def parse(text: str, allow_trailing_comma: bool = True) -> JsonDocument:
    """Parse JSONC; errors are collected, never raised (like the editor does)."""
    parser = _Parser(text, allow_trailing_comma)
    try:
        root = parser.parse()
    except _TooDeep:
        # Reported, never walked: no tree, so nothing downstream recurses into it.
        return JsonDocument(text, None, [e for e in parser.errors if e.code == ErrorCode.NestingTooDeep], [])
    return JsonDocument(text, root, parser.errors, parser.comments)


class _TooDeep(Exception):
    pass


# --------------------------------------------------------------------------
# Edits


@dataclass(frozen=True)
class Style:
    indent: str
    eol: str


def detect_style(text: str) -> Style:
    """Indent unit and line ending of an existing file (defaults: 4 spaces, LF)."""
    eol = detect_eol(text)
    match = re.search(r"^([ \t]+)[^ \t\r\n]", text, re.MULTILINE)
    indent = "    "
    if match:
        lead = match.group(1)
        indent = "\t" if lead.startswith("\t") else lead
    return Style(indent, eol)


def render(value: Any, style: Style, level: int = 0, inline: bool = False) -> str:
    """JSON text for a new value; scalar arrays stay on one line when short."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        if inline:
            inner = ", ".join(
                f"{json.dumps(k, ensure_ascii=False)}: {render(v, style, inline=True)}"
                for k, v in value.items()
            )
            return "{ " + inner + " }"
        pad = style.indent * (level + 1)
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {render(v, style, level + 1)}"
            for k, v in value.items()
        ]
        return "{" + style.eol + ("," + style.eol).join(items) + style.eol + style.indent * level + "}"
    if isinstance(value, list):
        scalars = all(not isinstance(v, (dict, list)) for v in value)
        one_line = "[" + ", ".join(render(v, style, inline=True) for v in value) + "]"
        if inline or (scalars and len(one_line) <= 80):
            return one_line
        pad = style.indent * (level + 1)
        items = [pad + render(v, style, level + 1) for v in value]
        return "[" + style.eol + ("," + style.eol).join(items) + style.eol + style.indent * level + "]"
    return json.dumps(value, ensure_ascii=False)


class EditError(Exception):
    """The edit cannot be made safely (the file does not parse, or a path is blocked)."""


def _skip_inline_trivia(text: str, offset: int) -> int:
    """Skip spaces, tabs and comments that stay on the current line."""
    while offset < len(text):
        if text[offset] in " \t":
            offset += 1
        elif text.startswith("/*", offset):
            close = text.find("*/", offset + 2)
            if close < 0 or "\n" in text[offset:close]:
                return offset
            offset = close + 2
        elif text.startswith("//", offset):
            while offset < len(text) and text[offset] not in "\r\n":
                offset += 1
            return offset
        else:
            return offset
    return offset


def _skip_trivia(text: str, offset: int) -> int:
    """Skip whitespace, line breaks and comments."""
    while offset < len(text):
        if text[offset] in " \t\r\n":
            offset += 1
        elif text.startswith("//", offset):
            while offset < len(text) and text[offset] not in "\r\n":
                offset += 1
        elif text.startswith("/*", offset):
            close = text.find("*/", offset + 2)
            offset = len(text) if close < 0 else close + 2
        else:
            return offset
    return offset


def _one_line(text: str, node: Node) -> bool:
    span = text[node.offset : node.end]
    return "\n" not in span and "\r" not in span  # CR alone breaks lines too (old Mac files)


def _insert_member(doc: JsonDocument, container: Node, member_text: str, style: Style) -> list[TextEdit]:
    """Edits adding ``member_text`` (a value or ``"key": value``) at the end of a container."""
    text = doc.text
    members = container.children
    close = container.end - 1  # offset of the closing bracket
    if not members:
        inner = text[container.offset + 1 : close]
        if "\n" not in inner and "\r" not in inner:
            if inner.strip() == "":
                if container.type == "array":
                    return [TextEdit(container.offset + 1, close, member_text)]
                pad = indent_at(text, container.offset)
                new = f"{style.eol}{pad}{style.indent}{member_text}{style.eol}{pad}"
                return [TextEdit(container.offset + 1, close, new)]
            # Only comments inside, on one line: keep them, add after.
            return [TextEdit(close, close, f" {member_text} ")]
        pad = indent_at(text, container.offset)
        bol = line_start(text, close)
        if text[bol:close].strip() == "":
            return [TextEdit(bol, bol, f"{pad}{style.indent}{member_text}{style.eol}")]
        return [TextEdit(close, close, f"{style.eol}{pad}{style.indent}{member_text}{style.eol}{pad}")]
    last = members[-1]
    after_last = _skip_trivia(text, last.end)
    trailing_comma = after_last < close and text[after_last] == ","
    if _one_line(text, container):
        if trailing_comma:
            at = after_last + 1
            return [TextEdit(at, at, f" {member_text},")]
        return [TextEdit(last.end, last.end, f", {member_text}")]
    last_start = last.offset
    pad = indent_at(text, last_start)
    if text[line_start(text, last_start) : last_start].strip() != "":
        pad = indent_at(text, container.offset) + style.indent
    edits: list[TextEdit] = []
    if trailing_comma:
        anchor = _skip_inline_trivia(text, after_last + 1)
        new = f"{style.eol}{pad}{member_text},"
    else:
        edits.append(TextEdit(last.end, last.end, ","))
        anchor = _skip_inline_trivia(text, last.end)
        new = f"{style.eol}{pad}{member_text}"
    # Never insert into a comment: ``anchor`` is right after any same-line comment.
    edits.append(TextEdit(anchor, anchor, new))
    return edits


def _remove_member(doc: JsonDocument, container: Node, index: int) -> list[TextEdit]:
    """Edits removing one member; a member alone on its line goes with its line."""
    text = doc.text
    members = container.children
    member = members[index]
    start, end = member.offset, member.end
    after = _skip_trivia(text, end)
    has_comma = after < container.end - 1 and text[after] == ","
    edits: list[TextEdit] = []
    prev_comma: int | None = None
    if has_comma:
        end = after + 1
    elif index > 0:
        comma = _skip_trivia(text, members[index - 1].end)
        if comma < start and text[comma] == ",":
            prev_comma = comma
    bol = line_start(text, start)
    line_end = _skip_inline_trivia(text, end)
    alone = text[bol:start].strip() == "" and (line_end >= len(text) or text[line_end] in "\r\n")
    comment = text[end:line_end].strip() != ""
    if alone and comment and not _one_line(text, container):
        # ``"a", // why`` : the member goes, the comment on its line stays where it was.
        if prev_comma is not None:
            edits.append(TextEdit(prev_comma, prev_comma + 1, ""))
        while end < line_end and text[end] in " \t":
            end += 1
        edits.append(TextEdit(start, end, ""))
        return edits
    if alone and not _one_line(text, container):
        if prev_comma is not None:
            edits.append(TextEdit(prev_comma, prev_comma + 1, ""))
        start = bol
        end = line_end + (2 if text.startswith("\r\n", line_end) else 1)
    elif prev_comma is not None:
        if text[prev_comma + 1 : start].strip() == "":
            start = prev_comma  # ", last" goes as one piece
        else:
            edits.append(TextEdit(prev_comma, prev_comma + 1, ""))  # keep the comments between
    else:
        # Inline: also take the space that separated it from the next member.
        while end < len(text) and text[end] == " " and has_comma:
            end += 1
    edits.append(TextEdit(start, end, ""))
    return edits


def _require_parsed(doc: JsonDocument) -> None:
    if doc.errors:
        raise EditError("the file is not valid JSONC; it will not be edited")


def set_value(text: str, path: JsonPath, value: Any) -> list[TextEdit]:
    """Edits that make ``path`` hold ``value``, creating objects on the way."""
    doc = parse(text)
    style = detect_style(text)
    if doc.root is None:
        if text.strip() == "" and not doc.comments:
            return [TextEdit(0, len(text), render(_nest(path, value), style) + style.eol)]
        _require_parsed(doc)
    _require_parsed(doc)
    assert doc.root is not None
    node = doc.root
    for depth, segment in enumerate(path):
        rest = path[depth + 1 :]
        if isinstance(segment, int):
            if node.type != "array" or not 0 <= segment < len(node.children):
                raise EditError(f"no array item {segment} at {list(path[:depth])}")
            child: Node | None = node.children[segment]
        else:
            if node.type != "object":
                level = _depth(node)
                return [TextEdit(node.offset, node.end, render(_nest(path[depth:], value), style, level))]
            child = node.get(segment)
            if child is None:
                level = _depth(node) + 1
                inline = _one_line(text, node) and bool(node.children)
                rendered = render(_nest(rest, value), style, level, inline=inline)
                member = f"{json.dumps(segment, ensure_ascii=False)}: {rendered}"
                return _insert_member(doc, node, member, style)
        assert child is not None
        node = child
    if node.to_value() == value and type(node.to_value()) is type(value):
        return []
    inline = _one_line(text, node) and isinstance(value, (list, dict))
    rendered = render(value, style, _depth(node), inline=inline and _fits_inline(value))
    return [TextEdit(node.offset, node.end, _kept_comments(doc, node, style) + rendered)]


def _kept_comments(doc: JsonDocument, node: Node, style: Style) -> str:
    """Comments written inside a value that is replaced are kept, in front of the new value."""
    kept = []
    for start, end in doc.comments:
        if node.offset <= start and end <= node.end:
            comment = doc.text[start:end]
            if comment.startswith("//"):
                kept.append(comment + style.eol + indent_at(doc.text, node.offset))
            else:
                kept.append(comment + " ")
    return "".join(kept)


def _fits_inline(value: Any) -> bool:
    return len(json.dumps(value)) <= 80


def _depth(node: Node) -> int:
    depth = 0
    parent = node.parent
    while parent is not None:
        if parent.type != "property":
            depth += 1
        parent = parent.parent
    return depth


def _nest(path: JsonPath, value: Any) -> Any:
    for segment in reversed(path):
        if isinstance(segment, int):
            raise EditError("cannot create an array item by index")
        value = {segment: value}
    return value


def remove_value(text: str, path: JsonPath) -> list[TextEdit]:
    """Edits removing the property or array item at ``path`` (nothing if absent)."""
    if not path:
        raise EditError("cannot remove the root value")
    doc = parse(text)
    _require_parsed(doc)
    parent = doc.find(path[:-1])
    last = path[-1]
    if parent is None:
        return []
    if isinstance(last, int):
        if parent.type != "array" or not 0 <= last < len(parent.children):
            return []
        return _remove_member(doc, parent, last)
    if parent.type != "object":
        return []
    for index in range(len(parent.children) - 1, -1, -1):
        if parent.children[index].key == last:
            return _remove_member(doc, parent, index)
    return []


def append_to_array(text: str, path: JsonPath, value: Any) -> list[TextEdit]:
    """Edits appending ``value`` to the array at ``path`` (created when missing)."""
    doc = parse(text)
    node = doc.find(path)
    if node is None or node.type != "array":
        return set_value(text, path, [value])
    _require_parsed(doc)
    style = detect_style(text)
    inline = _one_line(text, node)
    rendered = render(value, style, _depth(node) + 1, inline=inline)
    return _insert_member(doc, node, rendered, style)


def extend_array(text: str, path: JsonPath, values: list[Any]) -> list[TextEdit]:
    """Edits appending each of ``values`` in turn to the array at ``path``.

    The same text as ``append_to_array`` once per value, but the document is parsed twice
    instead of once per value (hundreds of roots for one ``extraPaths`` made that quadratic):
    after each insertion the array's node is moved along with the text.
    """
    if not values:
        return []
    after = apply_edits(text, append_to_array(text, path, values[0]))
    doc = parse(after)
    node = doc.find(path)
    if node is None or node.type != "array" or not node.children or doc.errors:
        for value in values[1:]:
            after = apply_edits(after, append_to_array(after, path, value))
        return [TextEdit(0, len(text), after)]
    level = _depth(node) + 1
    for value in values[1:]:
        style = detect_style(after)
        member = render(value, style, level, inline=_one_line(after, node))
        edits = sorted(_insert_member(doc, node, member, style), key=lambda e: (e.start, e.end))
        shift = 0
        start = -1
        for edit in edits:
            at = edit.new_text.find(member)
            if at >= 0:
                start = edit.start + shift + at
            shift += len(edit.new_text) - (edit.end - edit.start)
        after = apply_edits(after, edits)
        if start < 0 or after[start : start + len(member)] != member:
            raise EditError("could not follow the array being extended")  # never expected
        kind = "array" if member.startswith("[") else "object" if member.startswith("{") else "string"
        node.children.append(Node(kind, start, len(member), parent=node))
        node.length += shift
        doc.text = after
    return [TextEdit(0, len(text), after)]


def apply(text: str, edits: list[TextEdit]) -> str:
    """The text after ``edits`` (what an editor shows once it applies them)."""
    return apply_edits(text, edits)
