"""Reading and writing text files the way the user wrote them.

A decoded file keeps its BOM and line-ending style aside so edits can be made
on plain text and written back byte-compatible.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass

from pyproj_doctor.findings import Position, Range, TextEdit

BOM = "\ufeff"
MAX_FILE_BYTES = 4 * 1024 * 1024
Span = tuple[int, int]  # code-point offsets [start, end) into a decoded text


@dataclass(frozen=True)
class Word:
    """A word of a configured value (a path, an option) and where it is: ``text[start:end]``."""

    text: str
    start: int
    end: int

    @property
    def span(self) -> Span:
        return (self.start, self.end)


class FileProblem(Exception):
    """A file that cannot be used; ``position`` locates the problem when known."""

    def __init__(self, path: str, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.position = position


@dataclass(frozen=True)
class SourceText:
    """Decoded file content (BOM stripped) plus what is needed to write it back."""

    text: str
    bom: bool = False

    @classmethod
    def of(cls, raw: str) -> SourceText:
        """Split a leading BOM off text as an editor holds it (the one place BOMs are recognised)."""
        return cls(raw[1:], bom=True) if raw.startswith(BOM) else cls(raw)

    @property
    def raw(self) -> str:
        """The text with its BOM, as an editor buffer holds it."""
        return (BOM if self.bom else "") + self.text

    def encode(self) -> bytes:
        return self.raw.encode("utf-8")

    def edited(self, edits: tuple[TextEdit, ...] | list[TextEdit]) -> SourceText:
        return SourceText(apply_edits(self.text, edits), self.bom)


def detect_eol(text: str) -> str:
    """The line ending new lines get: CRLF as soon as the file uses it, CR in a file
    that breaks lines only with CR, else LF."""
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text and "\n" not in text:
        return "\r"
    return "\n"


def line_start(text: str, offset: int) -> int:
    """Offset of the first character of the line holding ``offset`` (LF, CRLF or CR breaks)."""
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def indent_at(text: str, offset: int) -> str:
    """The spaces and tabs that open the line holding ``offset``, up to ``offset``."""
    start = line_start(text, offset)
    end = start
    while end < offset and text[end] in " \t":
        end += 1
    return text[start:end]


def decode(data: bytes, path: str) -> SourceText:
    """Decode UTF-8 (with optional BOM); a bad byte is reported with its position."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8", errors="replace")
        line = good.count("\n")
        column = len(good) - (good.rfind("\n") + 1)
        raise FileProblem(path, "is not valid UTF-8", Position(line, column)) from None
    return SourceText.of(text)


class NotRegular(OSError):
    """The path exists but is not a regular file (a folder, pipe, socket or device)."""


def read_bytes(path: str, limit: int = MAX_FILE_BYTES, truncate: bool = False) -> bytes:
    """The content of a regular file of at most ``limit`` bytes.

    The file is opened without blocking and checked on the open descriptor, so a
    named pipe, a device (``/dev/zero``) or a link to one is refused instead of
    read forever, and a file that grows while it is read is still cut off.
    With ``truncate`` the first ``limit`` bytes of a larger file are returned.
    Raises ``NotRegular``, ``FileTooLarge`` or another ``OSError``.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise NotRegular(0, f"is {kind}")
        if info.st_size > limit and not truncate:
            raise FileTooLarge(info.st_size)
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if truncate:
                    break
                raise FileTooLarge(size)
        return b"".join(chunks)[:limit]
    finally:
        os.close(fd)


class FileTooLarge(OSError):
    def __init__(self, size: int) -> None:
        super().__init__(0, f"is too large to check ({size} bytes)")
        self.size = size


def read_text_lenient(path: str, limit: int = MAX_FILE_BYTES) -> str:
    """A small auxiliary file (``.gitignore``, ``.pth``) as text; "" when it cannot be read safely."""
    try:
        return read_bytes(path, limit).decode("utf-8", errors="replace")
    except OSError:
        return ""


def read_source(path: str, display: str) -> SourceText:
    """Read a text file, refusing huge files, pipes and devices before loading them."""
    try:
        data = read_bytes(path)
    except (NotRegular, FileTooLarge) as error:
        raise FileProblem(display, str(error.strerror)) from None
    except OSError as error:
        raise FileProblem(display, f"cannot be read: {error.strerror or error}") from None
    return decode(data, display)


_LONE_CR = re.compile(r"\r(?!\n)")
_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Maps code-point offsets to 0-based (line, column) and back."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        if "\r" in text and _LONE_CR.search(text):
            # CR alone ends a line too (LSP counts \n, \r\n and \r).
            starts.extend(m.end() for m in _BREAK.finditer(text))
        else:
            find = text.find
            index = find("\n")
            while index >= 0:
                starts.append(index + 1)
                index = find("\n", index + 1)
        self.starts = starts

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line, offset - self.starts[line])

    def range(self, start: int, end: int) -> Range:
        return Range(self.position(start), self.position(end))

    def offset(self, position: Position) -> int:
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        return min(start + position.character, end)

    def line_range(self, line: int) -> Range:
        """The range of a whole line without its line break."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return self.range(start, end)


def apply_edits(text: str, edits: tuple[TextEdit, ...] | list[TextEdit]) -> str:
    """Apply non-overlapping edits (any order) to ``text``."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    cursor = 0
    for edit in ordered:
        if edit.start < cursor:
            raise ValueError("overlapping edits")
        out.append(text[cursor : edit.start])
        out.append(edit.new_text)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def minimal_edit(before: str, after: str) -> TextEdit | None:
    """The single smallest replacement turning ``before`` into ``after``."""
    if before == after:
        return None
    limit = min(len(before), len(after))
    prefix = 0
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]:
        suffix += 1
    return TextEdit(prefix, len(before) - suffix, after[prefix : len(after) - suffix])
