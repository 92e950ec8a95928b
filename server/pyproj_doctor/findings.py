"""Plain data passed between the layers: findings, ranges, fixes and edits.

No LSP types here: the CLI and the language server both translate from these.
Positions are 0-based lines and code-point columns of the decoded text (BOM
excluded); the LSP edge converts columns to UTF-16 code units.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import cast


class Severity(enum.IntEnum):
    """Ordered so that ``a >= b`` means "a is at least as serious as b"."""

    HINT = 1
    INFORMATION = 2
    WARNING = 3
    ERROR = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = "|".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected {names})") from None


@dataclass(frozen=True, order=True)
class Position:
    line: int
    character: int

    def to_json(self) -> dict[str, int]:
        return {"line": self.line, "character": self.character}


@dataclass(frozen=True, order=True)
class Range:
    start: Position
    end: Position

    def to_json(self) -> dict[str, dict[str, int]]:
        return {"start": self.start.to_json(), "end": self.end.to_json()}


@dataclass(frozen=True)
class TextEdit:
    """Replace ``text[start:end]`` (code-point offsets into the decoded text)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class FileChange:
    """Edits to one file, relative to the workspace root (POSIX path).

    ``create`` means the file does not exist yet: its content is ``new_text``
    of the single edit at offset 0.
    """

    path: str
    edits: tuple[TextEdit, ...]
    create: bool = False


class Applicability(enum.Enum):
    """Whether a fix may be applied without asking (as in ruff).

    Unsafe fixes change what the project means or drop something a person
    wrote: creating ``__init__.py`` (it renames modules), deleting settings,
    removing extensions, switching the interpreter. ``check --fix`` applies
    only safe fixes; ``--unsafe-fixes`` and the editor's choice add the others.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Fix:
    description: str  # the action, as a title: "Add 'src' to pytest's pythonpath in pyproject.toml"
    changes: tuple[FileChange, ...]
    applicability: Applicability = Applicability.SAFE

    def allowed(self, unsafe: bool) -> bool:
        return unsafe or self.applicability is Applicability.SAFE


@dataclass(frozen=True)
class Related:
    path: str
    range: Range
    message: str
    site: bool = False  # a place of the problem itself: editors show it as a diagnostic too


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    path: str
    range: Range
    fix: Fix | None = None
    related: tuple[Related, ...] = field(default=())
    fix_unavailable: str | None = None  # why the rule's fix could not be built here
    # Other fixes a person may choose instead of ``fix``, one at a time in the editor (code
    # actions) or by reading the JSON: never applied by ``check --fix`` or Configure, since
    # each changes how the project is built or installed, not only what a tool reads.
    alternatives: tuple[Fix, ...] = field(default=())

    def __hash__(self) -> int:
        # Computed once per object (the fields never change): the language server looks each
        # finding up by value on every keystroke, and most are the very objects of the check
        # before (Workspace.kept), with fixes and related locations to hash all over again.
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(
                (
                    self.code,
                    self.severity,
                    self.message,
                    self.path,
                    self.range,
                    self.fix,
                    self.related,
                    self.fix_unavailable,
                    self.alternatives,
                )
            )
            object.__setattr__(self, "_hash", cached)
        return cast(int, cached)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.range.start.line, self.range.start.character, self.code)
