"""File access for one check: disk plus unsaved editor buffers, each file read and parsed once."""

from __future__ import annotations

import os
import stat
from typing import Callable, TypeVar

from pyproj_doctor.findings import Range
from pyproj_doctor.formats import ini, jsonc, toml
from pyproj_doctor.text import FileProblem, LineIndex, SourceText, read_source

T = TypeVar("T")
Stamp = tuple[int, int]
_MISSING = object()


class DiskCache:
    """Decoded and parsed files keyed by path and (mtime, size), shared by every check in a process.

    The language server re-checks on every keystroke and ``--fix`` re-checks after every
    round: files that did not change on disk are neither read nor parsed again.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self.entries: dict[tuple[str, str], tuple[Stamp, object]] = {}

    def get(self, kind: str, path: str, stamp: Stamp) -> object:
        entry = self.entries.get((kind, path))
        return entry[1] if entry is not None and entry[0] == stamp else _MISSING

    def put(self, kind: str, path: str, stamp: Stamp, value: object) -> None:
        if len(self.entries) >= self.limit:
            self.entries.clear()
        self.entries[(kind, path)] = (stamp, value)


DISK_CACHE = DiskCache()


class Snapshot:
    """The workspace as the rules see it.

    ``overlay`` maps workspace-relative POSIX paths to text that replaces the
    file on disk (the language server passes unsaved buffers). Every read is
    cached, so a rule asking twice costs nothing, and nothing is ever written.
    """

    def __init__(self, root: str, overlay: dict[str, str] | None = None) -> None:
        self.root = os.path.abspath(root)
        self.real_root = os.path.realpath(self.root)
        self.overlay = dict(overlay or {})
        self._sources: dict[str, SourceText | None] = {}
        self._parsed: dict[tuple[str, str], object] = {}
        self._indexes: dict[str, LineIndex] = {}
        self._stamps: dict[str, Stamp | None] = {}
        self.problems: dict[str, FileProblem] = {}

    def abspath(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/")) if rel and rel != "." else self.root

    def exists(self, rel: str) -> bool:
        return rel in self.overlay or os.path.exists(self.abspath(rel))

    def is_file(self, rel: str) -> bool:
        return rel in self.overlay or os.path.isfile(self.abspath(rel))

    def inside(self, rel: str) -> bool:
        """Whether writing ``rel`` stays inside the workspace once links are resolved."""
        real = os.path.realpath(self.abspath(rel))
        return real == self.real_root or real.startswith(self.real_root + os.sep)

    def stamp(self, rel: str) -> Stamp | None:
        """(mtime, size) of a regular file on disk, None when there is none."""
        if rel not in self._stamps:
            try:
                info = os.stat(self.abspath(rel))
            except OSError:
                self._stamps[rel] = None
            else:
                self._stamps[rel] = (info.st_mtime_ns, info.st_size) if stat.S_ISREG(info.st_mode) else None
        return self._stamps[rel]

    def source(self, rel: str) -> SourceText | None:
        """Decoded text, or None when the file is missing or unusable (see ``problems``)."""
        if rel in self._sources:
            return self._sources[rel]
        result: SourceText | None = None
        if rel in self.overlay:
            result = SourceText.of(self.overlay[rel])
        else:
            stamp = self.stamp(rel)
            if stamp is not None:
                path = self.abspath(rel)
                cached = DISK_CACHE.get("source", path, stamp)
                if cached is _MISSING:
                    try:
                        cached = read_source(path, rel)
                    except FileProblem as problem:
                        cached = problem
                    DISK_CACHE.put("source", path, stamp, cached)
                if isinstance(cached, FileProblem):
                    self.problems[rel] = cached
                else:
                    result = cached  # type: ignore[assignment]
        self._sources[rel] = result
        return result

    def text(self, rel: str) -> str | None:
        source = self.source(rel)
        return source.text if source is not None else None

    def line_index(self, rel: str) -> LineIndex:
        index = self._indexes.get(rel)
        if index is None:
            index = LineIndex(self.text(rel) or "")
            self._indexes[rel] = index
        return index

    def range(self, rel: str, start: int, end: int) -> Range:
        return self.line_index(rel).range(start, end)

    def parsed(self, kind: str, rel: str, make: Callable[[str], T]) -> T | None:
        """``make(text)`` of a file, computed once per snapshot and, for unchanged disk files, per process."""
        key = (kind, rel)
        if key not in self._parsed:
            text = self.text(rel)
            if text is None:
                self._parsed[key] = None
            elif rel in self.overlay:
                self._parsed[key] = make(text)
            else:
                stamp = self.stamp(rel)
                assert stamp is not None
                path = self.abspath(rel)
                value = DISK_CACHE.get(kind, path, stamp)
                if value is _MISSING:
                    value = make(text)
                    DISK_CACHE.put(kind, path, stamp, value)
                self._parsed[key] = value
        return self._parsed[key]  # type: ignore[return-value]

    def toml(self, rel: str) -> toml.TomlDocument | None:
        return self.parsed("toml", rel, toml.parse)

    def jsonc(self, rel: str) -> jsonc.JsonDocument | None:
        return self.parsed("jsonc", rel, jsonc.parse)

    def ini(self, rel: str) -> ini.IniDocument | None:
        return self.parsed("ini", rel, ini.parse)
