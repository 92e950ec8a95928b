"""The one place findings are computed: every face (CLI, language server) calls this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pyproj_doctor import gcpause
from pyproj_doctor.findings import FileChange, Finding, Severity, TextEdit
from pyproj_doctor.rules import BY_CODE, PARSE_ERRORS, RULES, Context, Settings, known
from pyproj_doctor.text import FileProblem, SourceText, minimal_edit
from pyproj_doctor.workspace import cache
from pyproj_doctor.workspace.reuse import Reuse
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
    """What to check and how to judge it. ``None``/empty means "not chosen here"."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None  # None: [tool.pyproj-doctor] fail-on, else warning
    extra_recommendations: tuple[str, ...] = ()
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    # Read what earlier runs learned from the test modules (.pyproj-doctor_cache); see save_cache.
    cache: bool = False
    # The editor's Pylance (its extension's version), which decides whether extraPaths fixes may
    # write globs; None: not known (the command line), so they write the list.
    pylance_version: str | None = None
    # Whether the editor's Test Explorer runs each project on its own (project mode, see
    # workspace/test_projects.py); None: not known (the command line unless told).
    test_explorer_projects: bool | None = None

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)

    @property
    def threshold(self) -> Severity:
        """The lowest severity that fails a run."""
        return self.fail_on if self.fail_on is not None else Severity.WARNING


@dataclass
class Report:
    root: str
    options: Options  # the effective options: the caller's merged with [tool.pyproj-doctor]
    findings: list[Finding]
    problems: list[FileProblem]
    blocked: list[tuple[str, str]]  # (path, reason) of fixes refused (a link leads outside)
    snapshot: Snapshot  # the texts the findings' positions refer to
    index: FileIndex  # the tree as scanned (without unsaved buffers), for reuse


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
    """Merge ``[tool.pyproj-doctor]`` of the root pyproject.toml with ``base``, once.

    Keys: ``select``, ``ignore``, ``fail-on``, ``extra-recommendations``,
    ``severity`` (a table of code → severity), ``cache`` (false turns the cache off).
    Command-line values win over the file; editor settings do not (``file_wins``): the
    project's own choices are what its CI runs. Extra recommendations of both are kept,
    each once.
    """
    doc = snapshot.toml("pyproject.toml")
    table = doc.get("tool", "pyproj-doctor") if doc is not None and doc.ok else None
    if not isinstance(table, dict):
        return replace(base, severity_overrides=dict(base.severity_overrides))
    options = replace(base, severity_overrides=dict(base.severity_overrides))
    if (file_wins or not base.select) and "select" in table:
        options.select = _codes(table["select"], "select")
    # An explicit --select on the command line is the whole selection: the file's ignore list
    # would otherwise silently undo it.
    if (file_wins or (not base.ignore and not base.select)) and "ignore" in table:
        options.ignore = _codes(table["ignore"], "ignore")
    if "fail-on" in table and (file_wins or base.fail_on is None):
        try:
            options.fail_on = Severity.parse(str(table["fail-on"]))
        except ValueError as error:
            raise ConfigError("pyproject.toml", f"[tool.pyproj-doctor] fail-on: {error}") from None
    if "cache" in table:
        if not isinstance(table["cache"], bool):
            raise ConfigError("pyproject.toml", "[tool.pyproj-doctor] cache must be true or false")
        options.cache = options.cache and table["cache"]  # the project can only turn it off
    extra = table.get("extra-recommendations")
    if extra is not None:
        if not isinstance(extra, list) or not all(isinstance(e, str) for e in extra):
            raise ConfigError("pyproject.toml", "[tool.pyproj-doctor] extra-recommendations must be a list")
        merged = (*base.extra_recommendations, *extra)
        options.extra_recommendations = tuple(dict.fromkeys(e.lower() for e in merged))
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
    disk: dict[tuple[object, ...], object] | None = None,
    reuse: Reuse | None = None,
) -> Report:
    """Run every enabled rule on the workspace at ``root`` (plus unsaved ``overlay`` texts).

    ``options`` are the caller's (command line or editor); ``[tool.pyproj-doctor]`` is merged
    in here and the result is ``Report.options``. ``index`` is a listing of the tree from an
    earlier scan, reused when the caller knows no file was created or deleted since (the
    language server tracks that). Raises ``ConfigError`` for unusable project options.
    ``cancelled`` is asked between rules; when it answers True the run stops with ``Cancelled``.
    ``disk`` holds facts read from the disk alone by an earlier check, reused on the same
    terms as ``index`` (``Checker`` keeps both). ``reuse`` holds the workspace model an
    earlier check built from the same disk (see workspace/reuse.py).
    """
    snapshot = Snapshot(root, overlay, disk)
    options = project_options(snapshot, options or Options(), file_wins)
    if options.cache:
        cache.load(snapshot)
    ws = Workspace(snapshot, index, disk, reuse, options.test_explorer_projects)
    ctx = Context(
        ws,
        Settings(
            extra_recommendations=options.extra_recommendations, pylance_version=options.pylance_version
        ),
    )
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
                item = replace(item, fix=None)
        if item.alternatives:
            # An alternative offered only where the main fix could be: readable and inside.
            usable = tuple(
                a
                for a in item.alternatives
                if all(snapshot.inside(c.path) and not blind(c.path) for c in a.changes)
            )
            if usable != item.alternatives:
                item = replace(item, alternatives=usable)
        # An override is the user's word on the rule: every finding of it takes that severity,
        # hints included (a hint is the engine's judgement of this project, not a lesser rule).
        override = options.severity_overrides.get(item.code)
        if override is not None:
            item = replace(item, severity=override)
        kept.append(item)
    kept.sort(key=lambda f: f.sort_key)
    found = {rel: p for rel, p in snapshot.problems.items() if p.position is None}
    for rel, message in ws.base_index.problems.items():
        found.setdefault(rel, FileProblem(rel, message))
    problems = [p for _, p in sorted(found.items())]
    return Report(snapshot.root, options, kept, problems, sorted(set(blocked)), snapshot, ws.base_index)


def save_cache(report: Report) -> None:
    """Keep what this check read from the test modules for the next run (when ``options.cache``).

    Only a plain check saves it: ``--fix`` and ``--diff`` report exactly the files they write.
    """
    if report.options.cache:
        cache.save(report.snapshot)


class Checker:
    """One folder checked again and again, as the language server does on every keystroke.

    What no edit can change is kept between checks: the listing of the tree (until a file
    is created or deleted), facts read from the disk alone such as environments and the
    folders on ``sys.path`` (until the disk changes), the workspace model (each project is
    discovered again only when a file its discovery read holds another text, see
    workspace/reuse.py), and the last few reports by their exact inputs (an undo brings
    back a state already checked). Each report is the one a
    fresh ``check`` of the same inputs gives; ``tests/test_incremental.py`` compares them
    after random edits.
    """

    KEPT_REPORTS = 4

    def __init__(self, root: str) -> None:
        self.root = root
        self.generation = 0  # bumped by every disk change
        self._index: FileIndex | None = None
        self._disk: dict[tuple[object, ...], object] = {}
        self._reuse = Reuse()
        self._reports: dict[tuple[object, ...], Report] = {}

    @property
    def index(self) -> FileIndex | None:
        """The tree as last listed, while no file has come or gone since."""
        return self._index

    def kept_projects(self) -> dict[str, object]:
        """The projects kept for the next check, by folder (each is replaced when rebuilt)."""
        return self._reuse.projects()

    def disk_changed(self, created_or_deleted: bool = True) -> None:
        """Files changed on disk (``created_or_deleted``: the tree's listing changed too)."""
        self.generation += 1
        if created_or_deleted:
            self._index = None
        self._disk = {}
        self._reuse = Reuse()
        self._reports = {}

    def check(
        self,
        options: Options | None = None,
        overlay: dict[str, str] | None = None,
        file_wins: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ) -> Report:
        """``check`` of the folder with these buffers, reusing what is still valid.

        Safe to call from a worker thread while ``disk_changed`` is called from another:
        a check that started before a disk change keeps nothing it learned."""
        generation, index, disk, reuse = self.generation, self._index, self._disk, self._reuse
        reports = self._reports
        key = (repr(options), file_wins, tuple(sorted((overlay or {}).items())))
        report = reports.get(key)
        if report is not None:
            # The most recently used stay: typing and undoing around one state keeps hitting it.
            reports.pop(key, None)
            reports[key] = report
            return report
        with gcpause.paused():  # the check's objects are traversed once, after it (see gcpause.py)
            report = check(self.root, options, overlay, file_wins, index, cancelled, disk, reuse)
        if generation == self.generation:
            if self._index is None:
                self._index = report.index
            reports.pop(key, None)
            reports[key] = report
            while len(reports) > self.KEPT_REPORTS:
                del reports[next(iter(reports))]
        return report


@dataclass(frozen=True)
class ChangedFile:
    """One file a fix run changes: its text before (None: created) and after, BOM flags kept."""

    path: str
    before: SourceText | None
    after: SourceText

    @property
    def change(self) -> FileChange:
        """The change as an edit to ``before`` (one minimal edit), or the creation of the file."""
        if self.before is None:
            return FileChange(self.path, (TextEdit(0, 0, self.after.text),), create=True)
        edit = minimal_edit(self.before.text, self.after.text)
        return FileChange(self.path, (edit,) if edit is not None else ())


@dataclass
class FixResult:
    report: Report  # what is left after the fixes
    applied: list[Finding]
    files: list[ChangedFile]  # sorted by path
    blocked: list[tuple[str, str]]


def fix_all(
    root: str,
    options: Options | None = None,
    buffers: dict[str, str] | None = None,
    only_path: str | None = None,
    file_wins: bool = False,
    index: FileIndex | None = None,
    unsafe: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> FixResult:
    """Apply every fix in memory (safe ones only unless ``unsafe``), re-checking after each round.

    Each round applies at most one fix per file and then re-checks, so every
    fix is computed against the text it edits and fixes never conflict. Rounds
    go on until nothing is left to fix (a fix already applied once, or a state
    seen before, ends the run), so no fixable finding is left behind.
    ``buffers`` are unsaved editor texts to start from; ``only_path`` limits the
    fixes to findings reported in that file. The tree is listed once (or ``index``
    is reused): files the fixes create exist only in the overlay, which every
    check merges into the listing. Nothing is written here.
    """
    overlay: dict[str, str] = dict(buffers or {})
    originals: dict[str, SourceText | None] = {}
    applied: list[Finding] = []
    blocked: list[tuple[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    states: set[frozenset[tuple[str, str]]] = set()
    disk = Snapshot(root, buffers)
    while True:
        report = check(root, options, overlay, file_wins, index, cancelled)
        index = report.index
        blocked.extend(report.blocked)
        touched: set[str] = set()
        progress = False
        for item in report.findings:
            fix = item.fix
            if fix is None or not fix.allowed(unsafe) or (only_path is not None and item.path != only_path):
                continue
            key = (item.code, item.path, item.message)
            paths = {c.path for c in fix.changes}
            if key in seen or paths & touched:
                continue
            seen.add(key)
            touched |= paths
            for change in fix.changes:
                if change.path not in originals:
                    originals[change.path] = disk.source(change.path)
                current = overlay.get(change.path)
                source = SourceText.of(current) if current is not None else originals[change.path]
                overlay[change.path] = (source or SourceText("")).edited(change.edits).raw
            applied.append(item)
            progress = True
        if not progress:
            break
        state = frozenset(overlay.items())
        if state in states:  # fixes undo each other: stop, and report what that state holds
            report = check(root, options, overlay, file_wins, index, cancelled)
            break
        states.add(state)
    files = [
        ChangedFile(rel, originals[rel], SourceText.of(overlay[rel]))
        for rel in sorted(originals)
        if originals[rel] is None or originals[rel] != SourceText.of(overlay[rel])
    ]
    return FixResult(report, applied, files, sorted(set(blocked)))
