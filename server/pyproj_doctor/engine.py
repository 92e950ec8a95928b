"""The one place findings are computed: every face (CLI, language server) calls this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pyproj_doctor.findings import FileChange, Finding, Severity
from pyproj_doctor.rules import BY_CODE, PARSE_ERRORS, RULES, Context, Settings, known
from pyproj_doctor.text import BOM, FileProblem, apply_edits
from pyproj_doctor.workspace.snapshot import Snapshot
from pyproj_doctor.workspace.walk import FileIndex
from pyproj_doctor.workspace.workspace import Workspace


class Cancelled(Exception):
    """The caller no longer wants this result (the language server got newer input)."""


class ConfigError(Exception):
    """``[tool.pyproj-doctor]`` holds something we cannot use."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.WARNING
    extra_recommendations: tuple[str, ...] = ()
    severity_overrides: dict[str, Severity] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)


@dataclass
class Report:
    root: str
    findings: list[Finding]
    problems: list[FileProblem]
    blocked: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of refused writes
    snapshot: Snapshot | None = None  # the texts the findings' positions refer to
    index: FileIndex | None = None  # the tree as scanned (without unsaved buffers), for reuse


def _codes(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("pyproject.toml", f"[tool.pyproj-doctor] {key} must be a list of rule codes")
    codes = tuple(v.strip().upper() for v in value)
    for code in codes:
        if not known(code):
            raise ConfigError(
                "pyproject.toml", f"[tool.pyproj-doctor] {key}: unknown rule or prefix {code!r}"
            )
    return codes


def project_options(snapshot: Snapshot, base: Options, file_wins: bool = False) -> Options:
    """Merge ``[tool.pyproj-doctor]`` of the root pyproject.toml with ``base``.

    Keys: ``select``, ``ignore``, ``fail-on``, ``extra-recommendations``,
    ``severity`` (a table of code → severity). Command-line values win over the
    file; editor settings do not (``file_wins``): the project's own choices are
    what its CI runs.
    """
    doc = snapshot.toml("pyproject.toml")
    table = doc.get("tool", "pyproj-doctor") if doc is not None and doc.ok else None
    if not isinstance(table, dict):
        return base
    options = Options(
        base.select, base.ignore, base.fail_on, base.extra_recommendations, dict(base.severity_overrides)
    )
    if (file_wins or not base.select) and "select" in table:
        options.select = _codes(table["select"], "select")
    # An explicit --select on the command line is the whole selection: the file's ignore list
    # would otherwise silently undo it.
    if (file_wins or (not base.ignore and not base.select)) and "ignore" in table:
        options.ignore = _codes(table["ignore"], "ignore")
    if "fail-on" in table:
        try:
            options.fail_on = Severity.parse(str(table["fail-on"]))
        except ValueError as error:
            raise ConfigError("pyproject.toml", f"[tool.pyproj-doctor] fail-on: {error}") from None
    extra = table.get("extra-recommendations")
    if extra is not None:
        if not isinstance(extra, list) or not all(isinstance(e, str) for e in extra):
            raise ConfigError("pyproject.toml", "[tool.pyproj-doctor] extra-recommendations must be a list")
        options.extra_recommendations = tuple(base.extra_recommendations) + tuple(extra)
    overrides = table.get("severity")
    if isinstance(overrides, dict):
        for code, name in overrides.items():
            if code not in BY_CODE:
                raise ConfigError("pyproject.toml", f"[tool.pyproj-doctor.severity] unknown rule {code!r}")
            try:
                if file_wins or code not in options.severity_overrides:
                    options.severity_overrides[code] = Severity.parse(str(name))
            except ValueError as error:
                raise ConfigError(
                    "pyproject.toml", f"[tool.pyproj-doctor.severity] {code}: {error}"
                ) from None
    return options


def check(
    root: str,
    options: Options | None = None,
    overlay: dict[str, str] | None = None,
    file_wins: bool = False,
    index: FileIndex | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Report:
    """Run every enabled rule on the workspace at ``root`` (plus unsaved ``overlay`` texts).

    ``index`` is a listing of the tree from an earlier scan, reused when the caller knows
    no file was created or deleted since (the language server tracks that). ``cancelled``
    is asked between rules; when it answers True the run stops with ``Cancelled``.
    """
    snapshot = Snapshot(root, overlay)
    options = project_options(snapshot, options or Options(), file_wins)
    ws = Workspace(snapshot, index)
    ctx = Context(ws, Settings(extra_recommendations=options.extra_recommendations))
    findings: list[Finding] = []
    for rule in RULES:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if options.enabled(rule.code):
            findings.extend(rule.check(ctx))
    broken = {f.path for f in findings if f.code in PARSE_ERRORS}
    # A file that cannot be read (too large, a pipe, no permission) is reported as a
    # problem; what the rules concluded without its content would be guesses.
    unreadable = set(snapshot.problems) | set(ws.base_index.problems)

    def blind(path: str) -> bool:
        return path in unreadable or any(path.startswith(u + "/") for u in unreadable)

    kept: list[Finding] = []
    blocked: list[tuple[str, str]] = []
    for item in findings:
        # A file that does not parse gets its PD9xx finding and nothing else.
        if item.code in PARSE_ERRORS:
            pass
        elif item.path in broken or blind(item.path):
            continue
        elif item.fix is not None and any(blind(c.path) for c in item.fix.changes):
            continue  # the fix would edit a file (or folder) that could not be read
        if item.fix is not None:
            outside = [c.path for c in item.fix.changes if not snapshot.inside(c.path)]
            if outside:
                blocked.extend((p, "resolves outside the workspace (a link leads out)") for p in outside)
                item = Finding(
                    item.code, item.severity, item.message, item.path, item.range, None, item.related
                )
        override = options.severity_overrides.get(item.code)
        if override is not None and item.severity != Severity.HINT:
            item = Finding(item.code, override, item.message, item.path, item.range, item.fix, item.related)
        kept.append(item)
    kept.sort(key=lambda f: f.sort_key)
    found = {rel: p for rel, p in snapshot.problems.items() if p.position is None}
    for rel, message in ws.base_index.problems.items():
        found.setdefault(rel, FileProblem(rel, message))
    problems = [p for _, p in sorted(found.items())]
    return Report(snapshot.root, kept, problems, sorted(set(blocked)), snapshot, ws.base_index)


@dataclass
class FixResult:
    report: Report  # what is left after the fixes
    applied: list[Finding]
    before: dict[str, str | None]  # original text (with BOM) of each changed file; None = new
    after: dict[str, str]  # new text (with BOM when the original had one)
    blocked: list[tuple[str, str]]


def fix_all(
    root: str,
    options: Options | None = None,
    max_rounds: int = 25,
    buffers: dict[str, str] | None = None,
    only_path: str | None = None,
    file_wins: bool = False,
    index: FileIndex | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FixResult:
    """Apply every safe fix in memory, re-checking after each round.

    Each round applies at most one fix per file and then re-checks, so every
    fix is computed against the text it edits and fixes never conflict.
    ``buffers`` are unsaved editor texts to start from; ``only_path`` limits the
    fixes to findings reported in that file. The tree is listed once (or ``index``
    is reused): files the fixes create exist only in the overlay, which every
    check merges into the listing. Nothing is written here.
    """
    options = options or Options()
    overlay: dict[str, str] = dict(buffers or {})
    before: dict[str, str | None] = {}
    applied: list[Finding] = []
    blocked: list[tuple[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    snapshot_disk = Snapshot(root, buffers)
    for _ in range(max_rounds):
        report = check(root, options, overlay, file_wins, index, cancelled)
        index = report.index
        blocked.extend(report.blocked)
        touched: set[str] = set()
        progress = False
        for item in report.findings:
            if item.fix is None or (only_path is not None and item.path != only_path):
                continue
            key = (item.code, item.path, item.message)
            paths = {c.path for c in item.fix.changes}
            if key in seen or paths & touched:
                continue
            seen.add(key)
            touched |= paths
            for change in item.fix.changes:
                _apply_change(snapshot_disk, overlay, before, change)
            applied.append(item)
            progress = True
        if not progress:
            break
    final = check(root, options, overlay, file_wins, index, cancelled)
    after = {rel: overlay[rel] for rel in before if before[rel] != overlay[rel]}
    return FixResult(final, applied, {k: before[k] for k in after}, after, sorted(set(blocked)))


def _apply_change(
    disk: Snapshot, overlay: dict[str, str], before: dict[str, str | None], change: FileChange
) -> None:
    rel = change.path
    if rel in before:
        current = overlay[rel]
    else:
        source = disk.source(rel)
        before[rel] = None if source is None else (BOM if source.bom else "") + source.text
        current = before[rel] or ""
    bom = current.startswith(BOM)
    body = current[1:] if bom else current
    overlay[rel] = (BOM if bom else "") + apply_edits(body, change.edits)
