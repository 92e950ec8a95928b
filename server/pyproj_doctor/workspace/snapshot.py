"""File access for one check: disk plus unsaved editor buffers, each file read and parsed once."""

from __future__ import annotations

import os
import stat
from typing import Callable, Generic, TypeVar, cast

from pyproj_doctor.findings import Range
from pyproj_doctor.formats import ini, jsonc, toml
from pyproj_doctor.text import FileProblem, LineIndex, SourceText, read_source

T = TypeVar("T")
Stamp = tuple[int, int]


class StampedCache(Generic[T]):
    """Values computed from files on disk, keyed by absolute path and valid while (mtime, size) match.

    Shared by every check in a process: the language server re-checks on every keystroke
    and ``--fix`` re-checks after every round, and files that did not change on disk are
    neither read nor parsed again.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self.entries: dict[str, tuple[Stamp, T]] = {}

    def get(self, path: str, stamp: Stamp, make: Callable[[], T]) -> T:
        entry = self.entries.get(path)
        if entry is not None and entry[0] == stamp:
            return entry[1]
        value = make()
        self.put(path, stamp, value)
        return value

    def put(self, path: str, stamp: Stamp, value: T) -> None:
        if len(self.entries) >= self.limit:
            self.entries.clear()
        self.entries[path] = (stamp, value)


class Parser(Generic[T]):
    """One way of reading a file (``make(rel, text)``), with its results for unchanged files kept."""

    def __init__(self, make: Callable[[str, str], T]) -> None:
        self.make = make
        self.disk: StampedCache[T] = StampedCache()
        # Unsaved buffers, by (path, text): an editor sends the same text for many checks.
        self.buffers: dict[tuple[str, str], T] = {}

    def of_buffer(self, rel: str, text: str) -> T:
        key = (rel, text)
        if key not in self.buffers:
            if len(self.buffers) >= 256:
                self.buffers.clear()
            self.buffers[key] = self.make(rel, text)
        return self.buffers[key]


SOURCES: StampedCache[SourceText | FileProblem] = StampedCache()
TOML: Parser[toml.TomlDocument] = Parser(lambda _rel, text: toml.parse(text))
JSONC: Parser[jsonc.JsonDocument] = Parser(lambda _rel, text: jsonc.parse(text))
INI: Parser[ini.IniDocument] = Parser(lambda _rel, text: ini.parse(text))


class Reads:
    """What one computation read from a snapshot, so a later check can tell whether it still holds.

    ``versions`` maps each file it asked about (its text, whether it exists) to what the
    snapshot held for it: the unsaved buffer's text, or None for the file on disk (the disk
    does not change while a ``Checker`` keeps results). ``events`` are the snapshot's own
    state changes in order (a file's text learned, a problem noted or forgotten), replayed
    when the result is reused so the report's problems come out the same.
    """

    def __init__(self) -> None:
        self.versions: dict[str, str | None] = {}
        self.events: list[tuple[str, str, SourceText | None, FileProblem | None]] = []
        # The files read from buffers (their versions that are not None), set when recording ends.
        self.buffered: dict[str, str] | None = None
        self.noted: list[tuple[str, str, SourceText | None, FileProblem | None]] | None = None

    def seal(self) -> None:
        """Recording is over: note the buffered files, so ``hold`` need not look at every file,
        and the events that change the snapshot's problems (see ``Snapshot.replay``)."""
        self.buffered = {rel: text for rel, text in self.versions.items() if text is not None}
        self.noted = [event for event in self.events if event[0] != "read" or event[3] is not None]

    def hold(self, snapshot: Snapshot) -> bool:
        """Whether every file read has the same version in ``snapshot``.

        Asked about hundreds of kept values on every keystroke: it looks only at the buffers
        (the snapshot's and those this computation read), never at every file it read."""
        overlay = snapshot.overlay
        versions = self.versions
        buffered = self.buffered
        if buffered is None:
            return all(overlay.get(rel) == version for rel, version in versions.items())
        for rel, text in overlay.items():
            if rel in versions and versions[rel] != text:
                return False  # read from the disk then (None), or another buffer text
        # A file read from a buffer that is now closed: the disk's text may differ.
        return buffered.keys() <= overlay.keys()


def _read(path: str, rel: str) -> SourceText | FileProblem:
    try:
        return read_source(path, rel)
    except FileProblem as problem:
        return problem


class Snapshot:
    """The workspace as the rules see it.

    ``overlay`` maps workspace-relative POSIX paths to text that replaces the
    file on disk (the language server passes unsaved buffers). Every read is
    cached, so a rule asking twice costs nothing, and nothing is ever written.
    """

    def __init__(
        self,
        root: str,
        overlay: dict[str, str] | None = None,
        disk: dict[tuple[object, ...], object] | None = None,
    ) -> None:
        self.root = os.path.abspath(root)
        self.overlay = dict(overlay or {})
        self._sources: dict[str, SourceText | None] = {}
        self._indexes: dict[str, LineIndex] = {}
        self._stamps: dict[str, Stamp | None] = {}
        # What the disk answered (stamps, file kinds), shared with the later checks of a caller
        # that knows the disk has not changed since (``disk``, the language server's): a
        # keystroke re-check asks about the same thousand files.
        shared = disk if disk is not None else {}
        self._disk_stamps = cast("dict[str, Stamp | None]", shared.setdefault(("stamps",), {}))
        self._modes = cast("dict[str, int]", shared.setdefault(("modes",), {}))  # by absolute path
        self._inside = cast("dict[str, bool]", shared.setdefault(("inside",), {}))
        self._abspaths = cast("dict[str, str]", shared.setdefault(("abspaths", self.root), {}))
        real = shared.get(("real-root", self.root))
        if real is None:
            real = shared[("real-root", self.root)] = os.path.realpath(self.root)
        self.real_root = cast(str, real)
        self.problems: dict[str, FileProblem] = {}
        # Values derived from this snapshot's texts alone (parsed configurations), computed
        # once per check: many callers ask about the same few files. Whoever takes a value
        # from it notes the files it was made from (``saw``), for ``record``.
        self.memo: dict[tuple[object, ...], object] = {}
        self._recording: list[Reads] = []

    # ------------------------------------------------------------------ recording reads
    def record(self, compute: Callable[[], T]) -> tuple[T, Reads]:
        """``compute()`` and every file it read (see ``Reads``).

        A value found in ``memo`` hides the reads that made it: whoever keeps values there notes
        those reads again (``saw``) when it takes one."""
        reads = Reads()
        self._recording.append(reads)
        try:
            value = compute()
        finally:
            self._recording.pop()
        reads.seal()
        return value, reads

    def replay(self, reads: Reads) -> None:
        """Bring this snapshot to the state a fresh run of a recorded computation leaves.

        Outside a recording only the problems it noted or forgot matter: a text it read is read
        again, the same, if anyone asks (the disk has not changed), and a discovered project
        has read hundreds of test modules."""
        events = reads.noted if not self._recording and reads.noted is not None else reads.events
        for kind, rel, source, problem in events:
            if kind == "read":
                self._sources.setdefault(rel, source)
                if problem is not None:
                    self.problems.setdefault(rel, problem)
            else:
                self.problems.pop(rel, None)
            for outer in self._recording:
                outer.events.append((kind, rel, source, problem))
        for outer in self._recording:
            for rel, version in reads.versions.items():
                outer.versions.setdefault(rel, version)

    @property
    def recording(self) -> bool:
        return bool(self._recording)

    def saw(self, rel: str) -> None:
        """Note that the computation under way depends on ``rel`` (read earlier, kept in a memo)."""
        if self._recording:
            self._saw(rel)

    def _saw(self, rel: str) -> None:
        for reads in self._recording:
            reads.versions.setdefault(rel, self.overlay.get(rel))

    def version(self, rel: str) -> str | None:
        """What a ``Reads`` would note for ``rel``: its unsaved text, None for the disk's."""
        if self._recording:
            self._saw(rel)
        return self.overlay.get(rel)

    def forget_problem(self, rel: str) -> None:
        """Drop the problem noted for ``rel`` (its reader judges it no problem)."""
        self.problems.pop(rel, None)
        for reads in self._recording:
            reads.events.append(("forget", rel, None, None))

    def abspath(self, rel: str) -> str:
        found = self._abspaths.get(rel)
        if found is None:  # asked tens of thousands of times per check in a large workspace
            found = os.path.join(self.root, *rel.split("/")) if rel and rel != "." else self.root
            self._abspaths[rel] = found
        return found

    def disk_mode(self, path: str) -> int:
        """``st_mode`` of an absolute path on the disk (links followed), 0 when nothing is there.

        Buffers play no part: this is what ``os.path.isfile`` and its kin answer."""
        mode = self._modes.get(path)
        if mode is None:
            try:
                mode = os.stat(path).st_mode
            except (OSError, ValueError):
                mode = 0
            self._modes[path] = mode
        return mode

    def disk_isfile(self, path: str) -> bool:
        return stat.S_ISREG(self.disk_mode(path))

    def disk_isdir(self, path: str) -> bool:
        return stat.S_ISDIR(self.disk_mode(path))

    def _mode(self, rel: str) -> int:
        return self.disk_mode(self.abspath(rel))

    def exists(self, rel: str) -> bool:
        if self._recording:
            self._saw(rel)
        return rel in self.overlay or self._mode(rel) != 0

    def is_file(self, rel: str) -> bool:
        if self._recording:
            self._saw(rel)
        return rel in self.overlay or stat.S_ISREG(self._mode(rel))

    def inside(self, rel: str) -> bool:
        """Whether writing ``rel`` stays inside the workspace once links are resolved."""
        found = self._inside.get(rel)
        if found is None:  # links are the disk's: asked for every fix of every check
            real = os.path.realpath(self.abspath(rel))
            found = self._inside[rel] = real == self.real_root or real.startswith(self.real_root + os.sep)
        return found

    def stamp(self, rel: str) -> Stamp | None:
        """(mtime, size) of a regular file on disk, None when there is none."""
        if rel not in self._stamps:
            if rel in self._disk_stamps:
                self._stamps[rel] = self._disk_stamps[rel]
                return self._stamps[rel]
            try:
                info = os.stat(self.abspath(rel))
            except OSError:
                found: Stamp | None = None
            else:
                found = (info.st_mtime_ns, info.st_size) if stat.S_ISREG(info.st_mode) else None
            self._stamps[rel] = self._disk_stamps[rel] = found
        return self._stamps[rel]

    def stamps(self) -> dict[str, Stamp | None]:
        """Every disk file this snapshot looked at, with its (mtime, size)."""
        return dict(self._stamps)

    def source(self, rel: str) -> SourceText | None:
        """Decoded text, or None when the file is missing or unusable (see ``problems``)."""
        if self._recording:
            self._saw(rel)
            result = self._source(rel)
            for reads in self._recording:
                reads.events.append(("read", rel, result, self.problems.get(rel)))
            return result
        return self._source(rel)

    def _source(self, rel: str) -> SourceText | None:
        if rel in self._sources:
            return self._sources[rel]
        result: SourceText | None = None
        if rel in self.overlay:
            result = SourceText.of(self.overlay[rel])
        else:
            stamp = self.stamp(rel)
            if stamp is not None:
                path = self.abspath(rel)
                read = SOURCES.get(path, stamp, lambda: _read(path, rel))
                if isinstance(read, FileProblem):
                    self.problems[rel] = read
                else:
                    result = read
        self._sources[rel] = result
        return result

    def text(self, rel: str) -> str | None:
        source = self.source(rel)
        return source.text if source is not None else None

    def line_index(self, rel: str) -> LineIndex:
        if self._recording:
            self._saw(rel)  # kept below: a text read through its index is read all the same
        index = self._indexes.get(rel)
        if index is None:
            index = LineIndex(self.text(rel) or "")
            self._indexes[rel] = index
        return index

    def range(self, rel: str, start: int, end: int) -> Range:
        return self.line_index(rel).range(start, end)

    def parsed(self, parser: Parser[T], rel: str) -> T | None:
        """``parser``'s reading of a file; unchanged disk files are read and parsed once per process."""
        if self._recording:
            self._saw(rel)
        if rel in self.overlay:
            buffer = self.text(rel)  # decoded: no BOM
            return parser.of_buffer(rel, buffer) if buffer is not None else None
        stamp = self.stamp(rel)
        if stamp is None:
            return None
        entry = parser.disk.entries.get(self.abspath(rel))
        if entry is not None and entry[0] == stamp:
            return entry[1]
        text = self.text(rel)
        if text is None:
            return None
        value = parser.make(rel, text)
        parser.disk.put(self.abspath(rel), stamp, value)
        return value

    def toml(self, rel: str) -> toml.TomlDocument | None:
        return self.parsed(TOML, rel)

    def jsonc(self, rel: str) -> jsonc.JsonDocument | None:
        return self.parsed(JSONC, rel)

    def ini(self, rel: str) -> ini.IniDocument | None:
        return self.parsed(INI, rel)
