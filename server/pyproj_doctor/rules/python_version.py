"""PD5xx: the Python version the project runs on."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator

from pyproj_doctor.findings import Finding, Severity
from pyproj_doctor.rules.base import Context, rule
from pyproj_doctor.workspace.projects import Project

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


# One clause of the usual requires-python: a comparison with a plain release ("3.10", "3.9.2").
_PLAIN_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|~=|>|<)\s*([0-9]+(?:\.[0-9]+)*)\s*")


def _outside(spec_text: str, version: str) -> bool | None:
    """Whether ``version`` (``3.12`` or ``3.12.1``) is outside ``requires-python``; None if unknown."""
    match = _VERSION.search(version)
    if match is None:
        return None
    major, minor, patch = match.groups()
    # "3.12" means any 3.12.x: outside only if no patch release fits.
    patches = [int(patch)] if patch is not None else list(range(0, 40))
    candidates = [(int(major), int(minor), p) for p in patches]
    clauses = _plain_clauses(spec_text)
    if clauses is not None:
        return not any(all(_holds(c, op, v) for op, v in clauses) for c in candidates)
    # Anything else (wildcards, pre-releases, epochs): packaging's reading, imported only then.
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        spec = SpecifierSet(spec_text)
    except InvalidSpecifier:
        return None
    return not any(spec.contains(".".join(map(str, c)), prereleases=True) for c in candidates)


def _plain_clauses(spec_text: str) -> list[tuple[str, tuple[int, ...]]] | None:
    """The clauses of a specifier made only of comparisons with plain releases, else None."""
    clauses = []
    for part in spec_text.split(","):
        found = _PLAIN_CLAUSE.fullmatch(part)
        if found is None:
            return None
        op, text = found.groups()
        release = tuple(int(n) for n in text.split("."))
        if op == "~=" and len(release) < 2:
            return None  # not a valid specifier: packaging says so
        clauses.append((op, release))
    return clauses


_COMPARE: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


def _holds(candidate: tuple[int, ...], op: str, release: tuple[int, ...]) -> bool:
    """PEP 440 for a final release against a plain release: both padded with zeros to one length."""
    width = max(len(candidate), len(release))
    have = candidate + (0,) * (width - len(candidate))
    want = release + (0,) * (width - len(release))
    compare = _COMPARE.get(op)
    if compare is not None:
        return compare(have, want)
    # ~=X.Y.Z: at least X.Y.Z, and the same X.Y (the release without its last part).
    prefix = release[:-1]
    return have >= want and have[: len(prefix)] == prefix


def _requires_python(project: Project) -> str | None:
    doc = project.doc
    value = doc.get("project", "requires-python") if doc else None
    return value if isinstance(value, str) else None


@rule(
    "PD501",
    "python-outside-requires-python",
    Severity.WARNING,
    ".python-version or .venv's Python is outside requires-python",
)
def PD501(ctx: Context) -> Iterator[Finding]:
    """``requires-python`` says which Pythons the project supports; uv reads
    ``.python-version`` to choose the interpreter for ``.venv``, and VS Code
    usually selects ``.venv``. When either is outside ``requires-python``,
    ``uv sync`` refuses or resolves for the wrong Python, and the editor
    analyses the code against a version the project does not support. Change
    ``.python-version`` (``uv python pin``) or recreate ``.venv``."""
    seen: set[tuple[str, str]] = set()
    for project in ctx.ws.projects:
        spec = _requires_python(project)
        if spec is None or project.pyproject is None or project.doc is None:
            continue
        pin = project.python_version_file
        if pin is not None and (pin, spec) not in seen:
            seen.add((pin, spec))
            text = ctx.ws.snapshot.text(pin) or ""
            for line_start, line in _lines(text):
                stripped = line.strip()
                if not stripped or stripped.startswith("#"):
                    continue
                if _outside(spec, stripped):
                    start = line_start + line.index(stripped)
                    yield PD501.at(
                        pin,
                        ctx.range(pin, (start, start + len(stripped))),
                        f'`{pin}` pins Python {stripped}, outside `requires-python = "{spec}"` of '
                        f"{project.pyproject}: uv and VS Code would use an unsupported interpreter. "
                        "Pin a supported version (`uv python pin`).",
                        related=(
                            ctx.related(project.pyproject, _spec_span(project), "the supported versions"),
                        ),
                    )
                break
        venv = project.venv
        if venv is not None and venv.version and (venv.rel, spec) not in seen:
            seen.add((venv.rel, spec))
            if _outside(spec, venv.version):
                yield PD501.at(
                    project.pyproject,
                    ctx.range(project.pyproject, _spec_span(project)),
                    f"`{venv.rel}` was made with Python {venv.version}, outside `requires-python = "
                    f'"{spec}"`: tests and the editor run on an unsupported interpreter. Recreate it '
                    "(`uv sync` after `uv python pin`).",
                )


def _spec_span(project: Project) -> tuple[int, int]:
    """Where ``requires-python``'s value is (looked up only for a finding: every member is checked)."""
    entry = project.doc.entry("project", "requires-python") if project.doc is not None else None
    return (entry.value.start, entry.value.end) if entry else (0, 0)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)
