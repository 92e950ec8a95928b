"""Reading and writing text files the way the user wrote them.

A decoded file keeps its BOM and line-ending style aside so edits can be made
on plain text and written back byte-compatible.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import stat
from dataclasses import dataclass

from pyproj_doctor.findings import Position, Range, TextEdit

BOM = "\ufeff"
MAX_FILE_BYTES = 4 * 1024 * 1024


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
    """The line ending new lines get: CRLF as soon as the file uses it, else LF."""
    return "\r\n" if "\r\n" in text else "\n"


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


def read_source(path: str, display: str) -> SourceText:
    """Read a text file, refusing huge files before loading them."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            raise FileProblem(display, f"is too large to check ({size} bytes)")
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise FileProblem(display, f"cannot be read: {error.strerror or error}") from None
    return decode(data, display)


class LineIndex:
    """Maps code-point offsets to 0-based (line, column) and back."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
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


def atomic_write(path: str, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it over the target.

    The target's permission bits are kept; a crash leaves either the old or the
    new file, never half of one.
    """
    import tempfile  # only needed when writing

    folder = os.path.dirname(path) or "."
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    fd, temp = tempfile.mkstemp(prefix=".pyproj-doctor-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
