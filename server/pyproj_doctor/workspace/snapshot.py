"""File access for one check: disk plus unsaved editor buffers, each file read and parsed once."""

from __future__ import annotations

import os
from typing import Callable, TypeVar

from pyproj_doctor.formats import ini, jsonc, toml
from pyproj_doctor.model import Range
from pyproj_doctor.text import FileProblem, LineIndex, SourceText, read_source

T = TypeVar("T")


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
        self.problems: dict[str, FileProblem] = {}

    def abspath(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/")) if rel and rel != "." else self.root

    def exists(self, rel: str) -> bool:
        return rel in self.overlay or os.path.exists(self.abspath(rel))

    def is_file(self, rel: str) -> bool:
        return rel in self.overlay or os.path.isfile(self.abspath(rel))

    def is_dir(self, rel: str) -> bool:
        return os.path.isdir(self.abspath(rel))

    def inside(self, rel: str) -> bool:
        """Whether writing ``rel`` stays inside the workspace once links are resolved."""
        real = os.path.realpath(self.abspath(rel))
        return real == self.real_root or real.startswith(self.real_root + os.sep)

    def source(self, rel: str) -> SourceText | None:
        """Decoded text, or None when the file is missing or unusable (see ``problems``)."""
        if rel in self._sources:
            return self._sources[rel]
        result: SourceText | None = None
        if rel in self.overlay:
            text = self.overlay[rel]
            result = SourceText(text[1:], bom=True) if text.startswith("\ufeff") else SourceText(text)
        elif os.path.isfile(self.abspath(rel)):
            try:
                result = read_source(self.abspath(rel), rel)
            except FileProblem as problem:
                self.problems[rel] = problem
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

    def _cached(self, kind: str, rel: str, make: Callable[[str], T]) -> T | None:
        key = (kind, rel)
        if key not in self._parsed:
            text = self.text(rel)
            self._parsed[key] = make(text) if text is not None else None
        return self._parsed[key]  # type: ignore[return-value]

    def toml(self, rel: str) -> toml.TomlDocument | None:
        return self._cached("toml", rel, toml.parse)

    def jsonc(self, rel: str) -> jsonc.JsonDocument | None:
        return self._cached("jsonc", rel, jsonc.parse)

    def ini(self, rel: str) -> ini.IniDocument | None:
        return self._cached("ini", rel, ini.parse)

    def listdir(self, rel: str) -> list[str]:
        try:
            return sorted(os.listdir(self.abspath(rel)))
        except OSError:
            return []
