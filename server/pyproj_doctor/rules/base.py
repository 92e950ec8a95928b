"""What a rule is, and the context it checks in.

A rule is an object (modelled on ruff's rule catalog): a public code, a name, a
default severity, the applicability of its fix, a one-line summary and an
explanation, plus the check that finds its problems. Findings are made by the
rule itself (``PD201.at(path, range, message, fix)``), so a finding can only
carry a code that exists. The ``Context`` turns offsets into ranges and builds
fixes, so rules never read files or compute positions by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Callable, Union

from pyproj_doctor.findings import Applicability, FileChange, Finding, Fix, Range, Related, Severity
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
from pyproj_doctor.text import Span
from pyproj_doctor.workspace.paths import join
from pyproj_doctor.workspace.projects import Project
from pyproj_doctor.workspace.vscode import VsCodeFolder
from pyproj_doctor.workspace.workspace import Workspace


@dataclass(frozen=True)
class NoFix:
    """The rule has a fix, but it cannot be built here; ``reason`` says why (shown to the user)."""

    reason: str


FixOutcome = Union[Fix, NoFix, None]


@dataclass
class Settings:
    """Choices that change what rules look for (from ``[tool.pyproj-doctor]`` or the editor)."""

    extra_recommendations: tuple[str, ...] = ()
    pylance_version: str | None = None  # as the editor reported it; None: not known


@dataclass
class Context:
    ws: Workspace
    settings: Settings = field(default_factory=Settings)

    def range(self, path: str, span: Span) -> Range:
        return self.ws.snapshot.range(path, span[0], span[1])

    def first_line(self, path: str) -> Range:
        return self.ws.snapshot.line_index(path).line_range(0)

    def fix(self, description: str, build: Callable[[], Iterable[FileChange]]) -> FixOutcome:
        """A fix; ``NoFix`` when it cannot be made safely (a file that does not parse, …);
        None when there is nothing to change."""
        try:
            changes = tuple(change for change in build() if change.edits)
        except (FixUnavailable, EditError, TomlEditError) as error:
            return NoFix(str(error))
        return Fix(description, changes) if changes else None

    def json_fix(self, description: str, rel: str, ops: Sequence[JsonOp]) -> FixOutcome:
        """Apply JSON operations to ``rel`` (created when missing)."""
        return self.fix(description, lambda: [json_ops(self.ws.snapshot, rel, ops)])

    def toml_fix(self, description: str, rel: str, ops: Sequence[TomlOp]) -> FixOutcome:
        return self.fix(description, lambda: [toml_ops(self.ws.snapshot, rel, ops)])

    def create_fix(self, description: str, paths: Sequence[str]) -> FixOutcome:
        """Create empty files (``__init__.py``)."""
        return self.fix(description, lambda: [create_file(self.ws.snapshot, p, "") for p in paths])

    def per_project(
        self, code: str, project: Project, uses: object, compute: Callable[[], Iterable[Finding]]
    ) -> list[Finding]:
        """A rule's findings for one project, kept across checks (see ``Workspace.kept``):
        ``uses`` holds every value ``compute`` takes from other projects or folders."""
        return self.ws.kept((code, project.dir), [project], uses, lambda: list(compute()))

    def per_folder(
        self, code: str, folder: VsCodeFolder, compute: Callable[[], Iterable[Finding]]
    ) -> list[Finding]:
        """A rule's findings for one VS Code folder, kept across checks (see ``Workspace.kept``):
        ``compute`` may look at the folder, its projects and any file, nothing else."""
        # The Test Explorer's mode as the editor reports it is no file: part of what it takes.
        uses = (folder.dir, folder.workspace_files, folder.pyright, self.ws.explorer_projects)
        return self.ws.kept((code, "folder", folder.dir), folder.projects, uses, lambda: list(compute()))

    def related(self, path: str, span: Span, message: str, site: bool = False) -> Related:
        return Related(path, self.range(path, span), message, site)

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
            rel = join(project.dir, name)
            if self.ws.is_file(rel):
                return rel, self.first_line(rel)
        for module in project.test_modules:
            return module.path, self.first_line(module.path)
        for folder in project.dirs:
            for name in self.ws.files(folder):
                if name.endswith(".py"):
                    rel = join(folder, name)
                    return rel, self.first_line(rel)
        raise LookupError(project.dir)

    def folder_anchor(self, folder: VsCodeFolder) -> tuple[str, Range]:
        """Where to report something a VS Code folder lacks: a declared project, else its settings."""
        declared = [p for p in folder.projects if p.pyproject is not None]
        if declared:
            return self.anchor(declared[0])
        if self.ws.is_file(folder.settings_path):
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
    check: CheckFunction = field(repr=False, compare=False)
    fix: Applicability | None = None  # how safe the rule's fixes are; None: it has none

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def at(
        self,
        path: str,
        range_: Range,
        message: str,
        fix: FixOutcome = None,
        *,
        severity: Severity | None = None,
        related: tuple[Related, ...] = (),
        alternatives: Sequence[FixOutcome] = (),
    ) -> Finding:
        """A finding of this rule. ``message`` says what is wrong and why it matters; the
        fix's description says what the fix does. ``alternatives`` are other fixes to choose
        from (see ``Finding.alternatives``): always unsafe, those that cannot be built dropped."""
        unavailable = None
        if isinstance(fix, NoFix):
            unavailable, fix = fix.reason, None
        elif fix is not None:
            if self.fix is None:
                raise TypeError(f"{self.code} declares no fix")
            fix = replace(fix, applicability=self.fix)
        others = tuple(
            replace(a, applicability=Applicability.UNSAFE) for a in alternatives if isinstance(a, Fix)
        )
        return Finding(
            self.code, severity or self.severity, message, path, range_, fix, related, unavailable, others
        )


def rule(
    code: str, name: str, severity: Severity, summary: str, fix: Applicability | None = None
) -> Callable[[CheckFunction], Rule]:
    """Make a check function into a ``Rule``; its docstring is the explanation."""

    def make(check: CheckFunction) -> Rule:
        explanation = " ".join((check.__doc__ or summary).split())
        return Rule(code, name, severity, summary, explanation, check, fix)

    return make
