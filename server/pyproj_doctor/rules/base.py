"""What a rule is, and the context it checks in.

A rule is a small pure function from the workspace model to findings. The
``Context`` turns offsets into ranges and builds fixes, so rules never read
files or compute positions by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Callable

from pyproj_doctor.fixes.builders import (
    FixUnavailable,
    JsonOp,
    TomlOp,
    create_file,
    json_ops,
    toml_ops,
)
from pyproj_doctor.formats.jsonc import EditError
from pyproj_doctor.formats.toml import TomlEditError
from pyproj_doctor.model import FileChange, Finding, Fix, Range, Related, Severity
from pyproj_doctor.workspace.model import Project, VsCodeFolder, Workspace

Span = tuple[int, int]


@dataclass
class Settings:
    """Choices that change what rules look for (from ``[tool.pyproj-doctor]`` or the editor)."""

    extra_recommendations: tuple[str, ...] = ()


@dataclass
class Context:
    ws: Workspace
    settings: Settings = field(default_factory=Settings)

    @property
    def snapshot(self):  # type: ignore[no-untyped-def]
        return self.ws.snapshot

    def range(self, path: str, span: Span) -> Range:
        return self.ws.snapshot.range(path, span[0], span[1])

    def first_line(self, path: str) -> Range:
        index = self.ws.snapshot.line_index(path)
        return index.line_range(0)

    def fix(self, description: str, build: Callable[[], Iterable[FileChange]]) -> Fix | None:
        """A fix, or None when it cannot be made safely (a file that does not parse, …)."""
        try:
            changes = tuple(change for change in build() if change.edits)
        except (FixUnavailable, EditError, TomlEditError):
            return None
        return Fix(description, changes) if changes else None

    def json_fix(self, description: str, rel: str, ops: Sequence[JsonOp]) -> Fix | None:
        """Apply JSON operations to ``rel`` (created when missing)."""
        return self.fix(description, lambda: [json_ops(self.ws.snapshot, rel, ops)])

    def toml_fix(self, description: str, rel: str, ops: Sequence[TomlOp]) -> Fix | None:
        return self.fix(description, lambda: [toml_ops(self.ws.snapshot, rel, ops)])

    def create_fix(self, description: str, paths: Sequence[str]) -> Fix | None:
        """Create empty files (``__init__.py``)."""
        return self.fix(description, lambda: [create_file(self.ws.snapshot, p, "") for p in paths])

    def related(self, path: str, span: Span, message: str) -> Related:
        return Related(path, self.range(path, span), message)

    def anchor(self, project: Project) -> tuple[str, Range]:
        """Where to report something a project lacks: its ``[project]`` header, else its first file."""
        if project.pyproject is not None:
            doc = project.doc
            if doc is not None:
                span = doc.span_of("project") or doc.span_of("tool", "poetry")
                if span is not None:
                    return project.pyproject, self.range(project.pyproject, span)
            return project.pyproject, self.first_line(project.pyproject)
        for name in ("setup.py", "setup.cfg"):
            rel = f"{project.dir}/{name}" if project.dir != "." else name
            if self.ws.snapshot.is_file(rel):
                return rel, self.first_line(rel)
        for module in project.test_modules:
            return module.path, self.first_line(module.path)
        for folder in project.dirs:
            for name in self.ws.files(folder):
                if name.endswith(".py"):
                    rel = name if folder in (".", "") else f"{folder}/{name}"
                    return rel, self.first_line(rel)
        raise LookupError(project.dir)

    def folder_anchor(self, folder: VsCodeFolder) -> tuple[str, Range]:
        """Where to report something a VS Code folder lacks: a declared project, else its settings."""
        declared = [p for p in folder.projects if p.pyproject is not None]
        if declared:
            return self.anchor(declared[0])
        if self.ws.snapshot.is_file(folder.settings_path):
            return folder.settings_path, self.first_line(folder.settings_path)
        return self.anchor(folder.projects[0])


CheckFunction = Callable[[Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    check: CheckFunction
    fixable: bool


RULES: dict[str, Rule] = {}


def rule(
    code: str, name: str, severity: Severity, summary: str, fixable: bool = False
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check; its docstring is the explanation ``pyproj-doctor rules CODE`` prints."""

    def register(check: CheckFunction) -> CheckFunction:
        explanation = " ".join((check.__doc__ or summary).split())
        RULES[code] = Rule(code, name, severity, summary, explanation, check, fixable)
        return check

    return register


def finding(
    code: str,
    path: str,
    range_: Range,
    message: str,
    fix: Fix | None = None,
    severity: Severity | None = None,
    related: tuple[Related, ...] = (),
) -> Finding:
    return Finding(code, severity or RULES[code].severity, message, path, range_, fix, related)
