"""What building the workspace model learned, kept by ``engine.Checker`` for its next check.

While the disk does not change (the checker starts over when it does), a check differs from
the one before only in its unsaved buffers. The listing of the tree then depends only on
which buffers name files the disk lacks, and each project depends only on the files its
discovery read (``snapshot.Reads``): a project whose files all hold the same text is the
same project, and is taken over instead of being discovered again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyproj_doctor.workspace.snapshot import Reads
from pyproj_doctor.workspace.walk import FileIndex

if TYPE_CHECKING:
    from pyproj_doctor.workspace.projects import Project


@dataclass
class Model:
    """The model of one tree listing (the disk's plus the files only buffers hold)."""

    index: FileIndex | None = None  # the listing with the buffers' files merged in
    skeleton: list[tuple[str, list[str]]] | None = None  # each project's folder and the folders it owns
    listed: dict[tuple[object, ...], object] = field(default_factory=dict)  # see Workspace.per_listing
    projects: dict[str, tuple[Reads, Project]] = field(default_factory=dict)
    # Values computed from some projects (see ``Workspace.kept``): by key, the projects as
    # discovered, the other values the computation used, the files it read, and the value.
    values: dict[tuple[object, ...], tuple[tuple[Project, ...], object, Reads, object]] = field(
        default_factory=dict
    )


class Reuse:
    """Kept across checks of one folder; replaced (never cleared) when the disk changes.

    Checks may run in several threads at once (a cancelled one may still be running): each
    takes the ``Model`` for its own listing and only adds entries whose reads it recorded
    itself, so an entry is right for any check whose buffers give the same texts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: tuple[FileIndex, frozenset[str], Model] | None = None

    def model(self, base: FileIndex, added: frozenset[str]) -> Model:
        """The model for the disk listing ``base`` plus the buffer-only files ``added``."""
        with self._lock:
            current = self._current
            if current is None or current[0] is not base or current[1] != added:
                current = self._current = (base, added, Model())
            return current[2]

    def projects(self) -> dict[str, object]:
        """The projects kept for the current listing, by folder."""
        current = self._current
        return {} if current is None else {d: p for d, (_, p) in current[2].projects.items()}
