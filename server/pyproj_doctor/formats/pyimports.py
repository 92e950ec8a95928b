"""Import statements and test definitions of a Python module, read without compiling it.

``ast.parse`` of a whole test module costs about 100× reading it: one regular
expression walks the text instead, skipping comments and string literals (all
prefixes, triple quotes, f-strings nested the Python 3.12 way) and stopping only
at ``import``, ``from``, ``def`` and ``class``. ``import`` is a hard keyword, so
outside strings and comments it only ever opens an import statement, at any
depth (functions, class bodies, ``if TYPE_CHECKING``, ``try``); ``from`` counts
when the module path and ``import`` follow it. Nothing recurses: nesting is
kept on explicit stacks, so deep code cannot raise RecursionError.

Positions are 0-based lines (``\\n`` breaks, as ``text.LineIndex`` counts them)
and code-point columns of the dotted module name. The scanner reads valid
Python exactly as ``ast`` does (tests/test_pyimports.py compares them); on
invalid Python it still returns what it can read, never raises.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

# Whitespace inside one logical line: blanks and backslash continuations (one
# character per repetition, so a failed match never backtracks exponentially).
_WS = r"(?:[ \t\f]|\\\r?\n)*"
_NAME = r"[^\W\d]\w*"
_DOTTED = rf"{_NAME}(?:{_WS}\.{_WS}{_NAME})*"

# ``str.find`` is fast; a regex that starts with one of several characters is
# not (the engine then tests every character). Events are where these needles
# occur; only the lines holding one are read token by token, from a line start
# that is in code.
_NEEDLES = ("import", "from", "'''", '"""', "\\\n", "\\\r\n")
_IMPORT, _FROM_KW, _TRIPLE_DOUBLE, _CRLF_CONTINUATION = 0, 1, 3, 5
_PREFIX_LETTERS = frozenset("fFtTrR")
_DEFS = (re.compile(r"def(?<![\w.]def)(?!\w)"), re.compile(r"class(?<![\w.]class)(?!\w)"))
_ASYNC = re.compile(r"[ \t\f]*(?:async(?:[ \t\f]|\\\r?\n)+)?")
_INDENT_ONLY = re.compile(r"[ \t\f]*")
_FROM = re.compile(rf"from{_WS}((?:\.{_WS})*)({_DOTTED})?{_WS}import(?!\w)")
_IMPORT_ITEM = re.compile(rf"{_WS}({_DOTTED})(?:{_WS}as(?!\w){_WS}{_NAME})?{_WS}(,?)")
_DEF_NAME = re.compile(rf"{_WS}({_NAME})")
_NAME_PART = re.compile(_NAME)

# Strings nested in f-string replacement fields, and the state machine's stops.
_STRING_AT = {
    "'''": re.compile(r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''", re.S),
    '"""': re.compile(r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""', re.S),
    "'": re.compile(r"'[^'\\\r\n]*(?:\\(?:\r\n|.)[^'\\\r\n]*)*'", re.S),
    '"': re.compile(r'"[^"\\\r\n]*(?:\\(?:\r\n|.)[^"\\\r\n]*)*"', re.S),
}
_LITERAL_STOP = re.compile(r"""[\\{}'"\n]""")
_FIELD_STOP = re.compile(r"""[\\{}()\[\]'"#:\n]""")
_PREFIX_LOWER = frozenset({"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})


class Import(NamedTuple):
    """One imported module: ``import a.b`` gives ``a.b``; ``from .c import d`` gives ``c`` at level 1."""

    module: str  # dotted, NFKC-normalised like Python's own names; "" for ``from . import x``
    level: int  # leading dots of a ``from`` import
    line: int
    start: int  # columns of the dotted name on ``line`` (only its first part if it spans lines)
    end: int
    offset: int  # code-point offset of the name in the text

    @property
    def top(self) -> str:
        return self.module.split(".", 1)[0]


@dataclass(frozen=True)
class Definition:
    """A ``def`` or ``class`` statement."""

    kind: str  # "def" or "class"
    name: str
    indent: int  # columns, tabs to multiples of 8 as Python counts them
    offset: int  # of the first character of its line
    end: int  # just after the name


@dataclass
class ModuleScan:
    imports: list[Import]
    spans: list[tuple[int, int]]  # (start, end) of the string literals that span lines


def scan(text: str) -> ModuleScan:
    """Every import statement of ``text`` in source order, plus where its multi-line strings are."""
    imports: list[Import] = []
    spans: list[tuple[int, int]] = []  # strings that span lines
    events: list[int] = []
    froms: dict[int, re.Match[str]] = {}
    find = text.find
    for kind, needle in enumerate(_NEEDLES):
        if kind == _CRLF_CONTINUATION and "\r" not in text:
            continue
        at = find(needle)
        while at >= 0:
            # A word that cannot open an import statement needs no look at its line.
            if kind > _FROM_KW:
                events.append(at * 8 + kind)
            elif _keyword(text, at, 6 if kind == _IMPORT else 4):
                if kind == _IMPORT:
                    events.append(at * 8 + kind)
                else:
                    found = _FROM.match(text, at)
                    if found is not None:
                        froms[at] = found
                        events.append(at * 8 + kind)
            # Runs of quotes overlap: every position may open a triple-quoted string.
            at = find(needle, at + (1 if kind in (2, 3) else 3))
    events.sort()
    lines = _Lines(text)
    pos = 0  # everything before is read and ``pos`` is in code
    skip_to = 0  # the ``import`` of a ``from ... import`` already read
    for event in events:
        p = event >> 3
        if p < pos:
            continue
        line_start = text.rfind("\n", pos, p) + 1
        if line_start > pos:
            # No event between: nothing on those lines opens a string that spans lines.
            pos = line_start
        # Read the tokens between ``pos`` and the event: is the event in code?
        inside = False
        while pos < p:
            segment = text[pos:p]
            if "'" not in segment and '"' not in segment and "#" not in segment:
                break
            single, double, hash_ = segment.find("'"), segment.find('"'), segment.find("#")
            opener = min(o for o in (single, double, hash_) if o >= 0) + pos
            if text[opener] == "#":
                newline = find("\n", opener)
                pos = len(text) if newline < 0 else newline  # the event is in a comment
                inside = True
                break
            end = _token_end(text, opener)
            if end > p:
                if find("\n", opener, end) >= 0:
                    spans.append((opener, end))
                pos = end  # the event is in this string
                inside = True
                break
            pos = end
        if inside:
            continue
        kind = event & 7
        pos = p
        if kind == _IMPORT:
            if p >= skip_to:
                _read_import(text, p + 6, lines, imports)
        elif kind == _FROM_KW:
            found = froms[p]
            skip_to = found.end()
            _add_from(text, found, lines, imports)
        elif kind <= _TRIPLE_DOUBLE:  # a string opens here
            end = _token_end(text, p)
            if find("\n", p, end) >= 0:
                spans.append((p, end))
            pos = end
    return ModuleScan(imports, spans)


def _token_end(text: str, opener: int) -> int:
    """End of the string literal opening at ``opener``: a regex for plain strings, else ``_string_end``."""
    if opener and text[opener - 1] in _PREFIX_LETTERS:
        return _string_end(text, opener)
    ch = text[opener]
    found = _STRING_AT[ch * 3 if text.startswith(ch * 3, opener) else ch].match(text, opener)
    return found.end() if found is not None else _plain_end(text, opener)


def _keyword(text: str, at: int, size: int) -> bool:
    """Whether the word at ``at`` stands alone (not part of a name or an attribute)."""
    before = text[at - 1] if at else " "
    after = text[at + size : at + size + 1]
    return not (before.isalnum() or before in "_.") and not (after.isalnum() or after == "_")


def _add_from(text: str, found: re.Match[str], lines: _Lines, imports: list[Import]) -> None:
    level = found.group(1).count(".")
    if found.group(2) is not None:
        _add(text, found.start(2), found.end(2), level, lines, imports)
    else:
        dots = found.start(1)
        line, column = lines.at(dots)
        imports.append(Import("", level, line, column, column, dots))


def definitions(text: str, module: ModuleScan) -> list[Definition]:
    """Every ``def`` and ``class`` statement of ``text`` in source order."""
    starts = [s for s, _ in module.spans]
    found: list[Definition] = []
    for kind, regex in zip(("def", "class"), _DEFS):
        for m in regex.finditer(text):
            at = m.start()
            line_start = text.rfind("\n", 0, at) + 1
            head = _ASYNC if kind == "def" else _INDENT_ONLY
            if head.fullmatch(text, line_start, at) is None:
                continue
            inside = bisect.bisect_right(starts, line_start) - 1
            if inside >= 0 and module.spans[inside][1] > line_start:
                continue  # a line of a multi-line string
            indent = _INDENT_ONLY.match(text, line_start)
            assert indent is not None
            found.append(_definition(text, line_start, indent.group(), kind, m.end()))
    found.sort(key=lambda d: d.offset)
    return found


class _Lines:
    """Line and column of increasing offsets, counting each line break once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 0

    def at(self, offset: int) -> tuple[int, int]:
        text = self.text
        if offset >= self.offset:
            self.line += text.count("\n", self.offset, offset)
        else:
            self.line -= text.count("\n", offset, self.offset)
        self.offset = offset
        return self.line, offset - text.rfind("\n", 0, offset) - 1


def _read_import(text: str, pos: int, lines: _Lines, out: list[Import]) -> None:
    while True:
        item = _IMPORT_ITEM.match(text, pos)
        if item is None:
            return
        _add(text, item.start(1), item.end(1), 0, lines, out)
        if not item.group(2):
            return
        pos = item.end()


def _add(text: str, start: int, end: int, level: int, lines: _Lines, out: list[Import]) -> None:
    raw = text[start:end]
    # Spaces or continuation lines may separate the parts.
    module = raw if raw.replace(".", "_").isidentifier() else ".".join(_NAME_PART.findall(raw))
    if not module.isascii():
        import unicodedata

        module = unicodedata.normalize("NFKC", module)
    line, column = lines.at(start)
    if "\n" in raw:
        first = _NAME_PART.match(text, start)
        end = first.end() if first is not None else start
    out.append(Import(module, level, line, column, column + end - start, start))


def _definition(text: str, line_start: int, indent: str, kind: str, end: int) -> Definition:
    named = _DEF_NAME.match(text, end)
    name = named.group(1) if named is not None else ""
    return Definition(kind, name, _width(indent), line_start, named.end() if named is not None else end)


def _width(indent: str) -> int:
    """Indentation columns the way Python's tokenizer counts them."""
    if "\f" in indent:
        indent = indent.rsplit("\f", 1)[1]
    return len(indent.expandtabs(8)) if "\t" in indent else len(indent)


# ------------------------------------------------------------------ strings
def _prefix(text: str, quote: int) -> str:
    """The letters right before a quote (a string prefix if it is a valid one)."""
    start = quote
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
        if quote - start > 3:
            return "?"
    return text[start:quote]


def _is_template(text: str, quote: int) -> bool:
    prefix = _prefix(text, quote).lower()
    return prefix in _PREFIX_LOWER and ("f" in prefix or "t" in prefix)


def _string_end(text: str, quote: int) -> int:
    """Offset just after the string literal whose opening quote is at ``quote``.

    Plain strings end at their first unescaped closing quote. f-strings and
    t-strings follow Python 3.12 (PEP 701): replacement fields may hold any
    expression, including strings with the same quotes, comments and line
    breaks, and format specs may nest fields. For code valid on older Pythons
    both readings agree. Unterminated strings end at the line break (single
    quotes) or the end of the text (triple quotes), as the tokenizer gives up.
    """
    prefix = _prefix(text, quote).lower()
    if "f" not in prefix and "t" not in prefix:
        return _plain_end(text, quote)
    n = len(text)
    q = text[quote] * 3 if text.startswith(text[quote] * 3, quote) else text[quote]
    # The bottom frame is the outer string; fields and specs nest above it.
    stack = [_Frame("s", q, "r" in prefix)]
    i = quote + len(q)
    while stack:
        frame = stack[-1]
        kind = frame.kind
        if kind != "e":  # literal part of a string, or a format spec
            found = _LITERAL_STOP.search(text, i)
            if found is None:
                return n
            i = found.start()
            ch = text[i]
            if ch == "\\":
                nxt = text[i + 1 : i + 2]
                if nxt == "{" or nxt == "}":
                    i += 1  # the brace still opens or closes a field
                elif nxt == "N" and not frame.raw and text.startswith("{", i + 2):
                    close = text.find("}", i + 3)
                    i = n if close < 0 else close + 1
                elif nxt == "\r" and text.startswith("\n", i + 2):
                    i += 3
                else:
                    i += 2
            elif ch == "{":
                if kind == "s" and text.startswith("{", i + 1):
                    i += 2
                else:
                    stack.append(_Frame("e", frame.quote, frame.raw))
                    i += 1
            elif ch == "}":
                if kind == "p":
                    stack.pop()  # closes the field the spec belongs to
                    i += 1
                elif text.startswith("}", i + 1):
                    i += 2
                else:
                    i += 1  # a lone "}" is an error; keep reading
            elif ch == "\n":
                if len(frame.quote) == 1:
                    return i  # unterminated single-quoted string
                i += 1
            elif text.startswith(frame.quote, i):
                if kind == "p":
                    return i + len(frame.quote)  # spec cut short by the closing quote: an error
                stack.pop()
                i += len(frame.quote)
            else:
                i += 1
        else:  # field expression
            found = _FIELD_STOP.search(text, i)
            if found is None:
                return n
            i = found.start()
            ch = text[i]
            if ch == "'" or ch == '"':
                inner = _prefix(text, i).lower()
                if "f" in inner or "t" in inner:
                    q = ch * 3 if text.startswith(ch * 3, i) else ch
                    stack.append(_Frame("s", q, "r" in inner))
                    i += len(q)
                else:
                    end = _plain_end(text, i)
                    if end <= i:
                        return n
                    i = end
            elif ch == "#":
                newline = text.find("\n", i)
                i = n if newline < 0 else newline
            elif ch in "([{":
                frame.depth += 1
                i += 1
            elif ch in ")]":
                frame.depth = max(frame.depth - 1, 0)
                i += 1
            elif ch == "}":
                if frame.depth == 0:
                    stack.pop()  # the field; back in a literal part or a spec
                else:
                    frame.depth -= 1
                i += 1
            elif ch == ":":
                if frame.depth == 0:
                    frame.kind = "p"
                i += 1
            elif ch == "\\":
                i += 3 if text.startswith("\r\n", i + 1) else 2
            else:  # "\n": fields may span lines since 3.12
                i += 1
    return i


class _Frame:
    """One level of an f-string being read: "s" literal part, "e" field expression, "p" format spec."""

    __slots__ = ("depth", "kind", "quote", "raw")

    def __init__(self, kind: str, quote: str, raw: bool) -> None:
        self.kind = kind
        self.quote = quote  # of the string this frame belongs to
        self.raw = raw
        self.depth = 0  # open brackets inside a field


def _plain_end(text: str, quote: int) -> int:
    ch = text[quote]
    q = ch * 3 if text.startswith(ch * 3, quote) else ch
    found = _STRING_AT[q].match(text, quote)
    if found is not None:
        return found.end()
    if len(q) == 3:
        return len(text)
    newline = text.find("\n", quote)
    return len(text) if newline < 0 else newline


# ------------------------------------------------------------------ tests
def collectable_tests(text: str, module: ModuleScan) -> Iterator[Definition]:
    """``def test*`` and ``class Test*`` (not unittest ``TestCase`` subclasses) outside any def or class.

    These are what pytest collects from a module: they become module
    attributes, whether written at the top level or under ``if``, ``try``,
    ``with`` or ``for``. Yielded lazily, in order: callers usually stop at the first.
    """
    open_blocks: list[Definition] = []  # def/class bodies around the current position
    previous: Definition | None = None
    for item in definitions(text, module):
        while open_blocks and open_blocks[-1].indent >= item.indent:
            open_blocks.pop()
        if open_blocks and previous is not None:
            # A statement between the previous definition and this one may have
            # closed blocks this one does not: find the least indented one.
            lowest = _lowest_indent(text, previous.offset, item.offset, open_blocks[-1].indent)
            while open_blocks and open_blocks[-1].indent >= lowest:
                open_blocks.pop()
        if not open_blocks:
            if item.kind == "def":
                if item.name.startswith("test"):
                    yield item
            elif item.name.startswith("Test") and not _is_test_case(text, item.end):
                yield item
        open_blocks.append(item)
        previous = item


_CANDIDATE_LINES: dict[int, re.Pattern[str]] = {}
_LOGICAL = re.compile(
    r"""
    \#[^\r\n]*
  | ('''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''
    | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
    | '[^'\\\r\n]*(?:\\(?:\r\n|.)[^'\\\r\n]*)*'
    | "[^"\\\r\n]*(?:\\(?:\r\n|.)[^"\\\r\n]*)*"
    )
  | ([(\[{])
  | ([)\]}])
  | \\\r?\n
  | (\n)
    """,
    re.S | re.X,
)
_INDENT = re.compile(r"[ \t\f]*")


def _lowest_indent(text: str, start: int, end: int, limit: int) -> int:
    """The least indentation of a statement line strictly between the lines at ``start`` and ``end``.

    Only values up to ``limit`` matter; a larger result means none is that low.
    A cheap look at physical lines rules most cases out; otherwise the region is
    read token by token (strings, brackets, continuations) from ``start``, a
    statement's first line.
    """
    pattern = _CANDIDATE_LINES.get(limit)
    if pattern is None:
        pattern = re.compile(rf"\n[ \t\f]{{0,{limit}}}[^ \t\f\r\n#)\]}}]")
        _CANDIDATE_LINES[limit] = pattern
    stop = end - 1  # the line break before the line at ``end``
    if pattern.search(text, start, stop) is None:
        return limit + 1
    lowest = limit + 1
    depth = 0
    pos = start
    while True:
        restart = -1
        for m in _LOGICAL.finditer(text, pos, stop):
            group = m.lastindex
            if group == 1:
                s = m.start()
                if text[s - 1] in "fFtTrR" and _is_template(text, s):
                    string_end = _string_end(text, s)
                    if string_end != m.end():
                        restart = string_end
                        break
            elif group == 2:
                depth += 1
            elif group == 3:
                depth = max(depth - 1, 0)
            elif group == 4 and depth == 0:
                line = m.end()
                indent = _INDENT.match(text, line, stop)
                assert indent is not None
                after = indent.end()
                if after < stop and text[after] not in "#\r\n":
                    lowest = min(lowest, _width(indent.group()))
        if restart < 0 or restart >= stop:
            return lowest
        pos = restart


_BASES_OPEN = re.compile(rf"{_WS}\(")
_BASES_STOP = re.compile(r"""[()\[\]{}'"#]""")


def _is_test_case(text: str, name_end: int) -> bool:
    """Whether the class whose name ends at ``name_end`` lists a base mentioning ``TestCase``."""
    opening = _BASES_OPEN.match(text, name_end)
    if opening is None:
        return False
    i = opening.end()
    depth = 1
    parts: list[str] = []
    n = len(text)
    while i < n:
        found = _BASES_STOP.search(text, i)
        if found is None:
            break
        j = found.start()
        parts.append(text[i:j])
        ch = text[j]
        if ch == "#":
            newline = text.find("\n", j)
            i = n if newline < 0 else newline
        elif ch == "'" or ch == '"':
            end = _string_end(text, j)
            parts.append(text[j:end])
            i = max(end, j + 1)
        elif ch in "([{":
            depth += 1
            parts.append(ch)
            i = j + 1
        else:
            depth -= 1
            i = j + 1
            if depth == 0:
                break
            parts.append(ch)
    return "TestCase" in "".join(parts)
