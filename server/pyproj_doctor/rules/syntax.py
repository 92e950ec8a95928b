"""PD9xx: configuration files that do not parse. They are reported, never rewritten."""

from __future__ import annotations

from collections.abc import Iterator

from pyproj_doctor.findings import Finding, Position, Range, Severity
from pyproj_doctor.formats import jsonc
from pyproj_doctor.rules.base import Context, Rule, rule
from pyproj_doctor.workspace.paths import join
from pyproj_doctor.workspace.projects import is_test_data


def _toml_files(ctx: Context) -> list[str]:
    ws = ctx.ws

    def listed() -> list[list[str]]:
        names = ("pyproject.toml", "pytest.toml", ".pytest.toml")
        return [[join(d, n) for d in p.dirs for n in names if ws.has_file(d, n)] for p in ws.projects]

    # Which folders hold such files is the listing's business; only which projects are test
    # data depends on their configurations.
    found: list[str] = []
    for project, files in zip(ws.projects, ws.per_listing(("toml-files",), listed)):
        if not is_test_data(ws, project):  # else a fixture of the tests (build's broken pyproject)
            found.extend(files)
    return sorted(set(found))


def _json_files(ctx: Context) -> list[str]:
    found = set(ctx.ws.code_workspaces)
    for folder in ctx.ws.folders:
        for rel in (folder.settings_path, folder.extensions_path, join(folder.dir, "pyrightconfig.json")):
            if ctx.ws.snapshot.is_file(rel):
                found.add(rel)
    return sorted(found)


def _unreadable(ctx: Context, code: Rule, rel: str, consequence: str) -> Finding | None:
    """A file that cannot be decoded (not UTF-8, a NUL byte), at the first bad byte."""
    problem = ctx.ws.snapshot.problems.get(rel)
    if problem is None or problem.position is None:
        return None
    where = Range(problem.position, problem.position)
    return code.at(rel, where, f"`{rel}` {problem.message}: {consequence}")


def _too_deep(code: Rule, rel: str, where: Range, message: str) -> Finding:
    return code.at(rel, where, f"`{rel}` has {message}: it is not checked and will not be edited.")


def _point(ctx: Context, path: str, position: Position) -> Range:
    index = ctx.ws.snapshot.line_index(path)
    line = index.line_range(min(position.line, len(index.starts) - 1))
    character = min(position.character, line.end.character)
    end = min(character + 1, line.end.character)
    return Range(Position(line.start.line, character), Position(line.start.line, end))


@rule("PD901", "invalid-toml", Severity.ERROR, "A TOML configuration file is not valid TOML")
def PD901(ctx: Context) -> Iterator[Finding]:
    """pip, uv, pytest, Ruff and Pylance all stop reading a ``pyproject.toml``
    that is not valid TOML (or not UTF-8), so every setting in it is lost. The
    finding points at the first error. No fix is offered: a file that does not
    parse is never rewritten. Projects inside another project's tests folder are
    test data (no tool reads them as configuration): not checked."""
    for rel in _toml_files(ctx):
        doc = ctx.ws.snapshot.toml(rel)
        unreadable = _unreadable(ctx, PD901, rel, "no tool can read it, so none of its settings apply.")
        if unreadable is not None:
            yield unreadable
        elif doc is not None and doc.error is not None and doc.error.too_deep:
            error = doc.error
            yield _too_deep(PD901, rel, _point(ctx, rel, Position(error.line, error.column)), error.message)
        elif doc is not None and doc.error is not None:
            error = doc.error
            yield PD901.at(
                rel,
                _point(ctx, rel, Position(error.line, error.column)),
                f"`{rel}` is not valid TOML: {error.message}. Tools reading it (pip, uv, pytest, "
                "Pylance) stop here; it will not be edited until it parses.",
            )


@rule(
    "PD902", "invalid-jsonc", Severity.ERROR, "A .vscode/*.json or *.code-workspace file is not valid JSONC"
)
def PD902(ctx: Context) -> Iterator[Finding]:
    """VS Code reads its settings files as JSON with comments and trailing
    commas. A syntax error makes it drop the settings from that point (or the
    whole file), usually without telling anyone. The finding points at the
    first error, as VS Code reports it. No fix is offered: a file that does not
    parse is never rewritten."""
    for rel in _json_files(ctx):
        doc = ctx.ws.snapshot.jsonc(rel)
        unreadable = _unreadable(ctx, PD902, rel, "VS Code cannot read its settings.")
        if unreadable is not None:
            yield unreadable
            continue
        if doc is None or not doc.errors:
            continue
        error = doc.errors[0]
        end = min(error.offset + error.length, len(doc.text))
        if error.code == jsonc.ErrorCode.NestingTooDeep:
            yield _too_deep(PD902, rel, ctx.range(rel, (error.offset, max(end, error.offset))), error.message)
            continue
        yield PD902.at(
            rel,
            ctx.range(rel, (error.offset, max(end, error.offset))),
            f"`{rel}` is not valid JSONC: {error.message}. VS Code ignores its settings from here; "
            "it will not be edited until it parses.",
        )
