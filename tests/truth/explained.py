"""`explain` held against the real tools: every first-party import of every test module of a shape
is explained (in the folder as measured, before the fix changes it), and each runner's verdict is
compared with what the real plain pytest, Test Explorer run and pyright server did there.

The real runs tell which first-party names failed to import, not in which module: pytest stops a
module at its first failing import, so the check is made in the directions that hold anyway.
* A name the real run could not import is explained as failing in some module it imports from.
* In each module, the first module-level import explained as failing (in line order) is among the
  names the real run could not import (an indented import may sit in a function or a try block).
A module at the project root (``tool.py``) is not first-party to the engine, which looks it up
as any other name on the same search paths; its verdicts are compared all the same.
pyright reports every unresolved import, so for it both directions hold per name; a name Pylance
resolves only through `.env` PYTHONPATH is left out, since the pyright server never reads `.env`.
`uv run pytest` runs (in a copy of the folder, installed as the shape's workflow installs it) for
the shapes uv manages, in each project folder, and is compared as plain pytest is; explain must
not call uv inapplicable there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyproj_doctor.explain import FAILS, NOT_APPLICABLE, UNKNOWN, ExplainError, explain
from pyproj_doctor.workspace.snapshot import Snapshot
from pyproj_doctor.workspace.workspace import Workspace
from tests.truth import tools

if TYPE_CHECKING:
    from tests.truth.harness import Side

ENV_SETTING = "PYTHONPATH in .env"
PYTEST_RAN = re.compile(r" in \d+\.\d+s\b")  # pytest's summary line: it started and collected


@dataclass(frozen=True)
class Explained:
    module: str
    line: int  # 1-based
    indented: bool
    name: str
    project: str
    root_folder: bool  # the project belongs to the root VS Code folder (the one the harness runs)
    verdicts: dict[str, tuple[str, str | None]]  # runner -> (verdict, setting)


@dataclass
class Record:
    items: list[Explained] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # imports explain could not explain


def record(side: Side) -> None:
    """Explain every first-party import of the side's test modules, as the folder is now."""
    files = tools.python_files(side.folder)
    ours = tools.first_party(side.folder, files)
    found = Record()
    ws = Workspace(Snapshot(str(side.folder)), explorer_projects=side.explorer_projects)
    for project in ws.projects:
        for module in project.test_modules:
            text = ws.text(module.path) or ""
            lines = text.splitlines()
            for line in sorted({ref.line for ref in module.imports if ref.name in ours}):
                try:
                    items = explain(ws, module.path, line + 1)
                except ExplainError as error:
                    found.errors.append(str(error))
                    continue
                indented = lines[line][:1].isspace() if line < len(lines) else False
                for item in items:
                    if item.name not in ours:
                        continue
                    folder = project.folder
                    found.items.append(
                        Explained(
                            module.path,
                            line + 1,
                            indented,
                            item.name,
                            project.dir,
                            folder is not None and folder.dir == ".",
                            {v.runner: (v.verdict, v.setting) for v in item.verdicts},
                        )
                    )
    side.explained = found


def disagreements(side: Side, projects: tuple[str, ...], pyright_measured: bool) -> list[str]:
    found: Record | None = side.explained
    if found is None:
        return ["nothing was explained"]
    problems = list(found.errors)
    # In project mode the Test Explorer runs each project on its own: a module is the business of
    # the run of the innermost project holding it (tools.run_explorer_projects).
    # They come in the order of the projects' folders (one run, the folder's, out of project mode).
    dirs = tools.explorer_projects(side.folder) if side.explorer_projects else ["."]
    explorer_runs = iter(dirs)
    runs = {}
    for r in side.verdict.pytest:
        if r.label == "pytest":
            key = ("pytest", _rel(side, r.cwd))
        else:
            key = ("explorer", next(explorer_runs, "?") if side.explorer_projects else ".")
        if not r.environment and not any("is not installed" in e for e in r.errors):
            runs[key] = r
    for run in side.verdict.uv:
        where = _rel(side, run.cwd)
        if not PYTEST_RAN.search(run.output):
            # uv itself failed (it could not lock or sync): there is no import to compare with.
            problems.append(
                f"uv run pytest in {where} did not run: {' '.join(run.errors) or run.output[-300:]}"
            )
            continue
        runs[("uv", where)] = run
        for item in found.items:
            if item.project == where and item.verdicts["uv"][0] == NOT_APPLICABLE:
                problems.append(
                    f"uv in {where}: explain says uv does not manage {item.module}; `uv run pytest` ran there"
                )
                break
    for (runner, where), run in runs.items():
        items = [
            i
            for i in found.items
            if (runner in ("pytest", "uv") and i.project == where)
            or (runner == "explorer" and i.root_folder and _innermost(dirs, i.module) == where)
        ]
        # "unknown" claims nothing (the Test Explorer's run of a listed project, the mode not known).
        items = [i for i in items if i.verdicts[runner][0] != UNKNOWN]
        if runner == "pytest" and where not in projects:
            continue
        explained_failing = {i.name for i in items if i.verdicts[runner][0] == FAILS}
        for name in sorted(run.missing - explained_failing):
            if any(i.name == name for i in items):
                problems.append(f"{runner} in {where}: really cannot import {name}; explain says it does")
        for module in sorted({i.module for i in items}):
            first = next(
                (
                    i
                    for i in sorted(items, key=lambda i: i.line)
                    if i.module == module and not i.indented and i.verdicts[runner][0] == FAILS
                ),
                None,
            )
            if first is not None and first.name not in run.missing:
                problems.append(
                    f"{runner} in {where}: explain says {first.module}:{first.line} ({first.name}) fails; "
                    f"the real run imported it"
                )
    if pyright_measured:
        items = [i for i in found.items if i.root_folder and i.verdicts["pyright"][1] != ENV_SETTING]
        failing = {i.name for i in items if i.verdicts["pyright"][0] == FAILS}
        really = {
            name
            for name, evidence in side.verdict.pyright.items()
            if any(e.split(":", 1)[0] in {i.module for i in items} for e in evidence)
        }
        for name in sorted(really - failing):
            if any(i.name == name for i in items):
                problems.append(f"pyright: really cannot resolve {name}; explain says it resolves")
        for name in sorted(failing - set(side.verdict.pyright)):
            problems.append(f"pyright: explain says {name} fails; the real pyright resolved it")
    return problems


def _innermost(dirs: list[str], module: str) -> str:
    """The innermost of the projects' folders holding a module (the first, ".", holds all)."""
    holding = [d for d in dirs if d == "." or module.startswith(d + "/")]
    return max(holding, key=lambda d: 0 if d == "." else d.count("/") + 1)


def _rel(side: Side, cwd: str) -> str:
    from pathlib import Path

    rel = Path(cwd).resolve().relative_to(side.folder.resolve()).as_posix()
    return rel or "."
