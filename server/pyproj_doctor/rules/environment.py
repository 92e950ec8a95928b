"""PD502: the project's virtual environment works only where it was created."""

from __future__ import annotations

import os
from collections.abc import Iterator

from pyproj_doctor.findings import Finding, Related, Severity
from pyproj_doctor.rules.base import Context, rule
from pyproj_doctor.workspace.install import workflow_install
from pyproj_doctor.workspace.projects import Project
from pyproj_doctor.workspace.venv import Venv, created_elsewhere, normalize


@rule(
    "PD502",
    "venv-moved",
    Severity.ERROR,
    "the virtual environment was created in another folder and moved or copied here",
)
def PD502(ctx: Context) -> Iterator[Finding]:
    """A virtual environment records the absolute path it was created at: its scripts
    (``pytest``, ``pip``) start that folder's interpreter, and an editable install's ``.pth``
    puts that folder's sources on ``sys.path``. Moved or copied, the scripts fail to start
    (or start the other copy) and the project imports from the old folder, or not at all:
    plain ``pytest`` and the Test Explorer fail, or test the other checkout. Environments
    cannot be moved; delete it and create it again with the project's install command."""
    seen: set[str] = set()
    for project in ctx.ws.projects:
        venv = project.venv
        if venv is None or venv.rel in seen or not created_elsewhere(venv):
            continue
        seen.add(venv.rel)
        finding = _moved(ctx, project, venv)
        if finding is not None:
            yield finding


def _moved(ctx: Context, project: Project, venv: Venv) -> Finding | None:
    created = venv.created_at or ""
    activate = ctx.ws.in_tree(venv.activate) if venv.activate else None
    if activate is None:
        return None
    text = ctx.ws.snapshot.text(activate) or ""
    at = text.find(created)
    where = ctx.range(activate, (at, at + len(created)) if at >= 0 else (0, 0))
    old_root = os.path.dirname(created.rstrip("/\\"))
    install = workflow_install(ctx.ws, project)
    command = f"`{install.command}`" if install is not None else "your install command"
    gone = not os.path.isdir(created)
    effect = (
        "its scripts (`pytest`, `pip`) cannot start, since that interpreter no longer exists"
        if gone
        else f"its scripts (`pytest`, `pip`) run the environment in `{created}`"
    )
    related: list[Related] = []
    broken = []
    for editable in venv.editables:
        own = any(p.name and normalize(p.name) == editable.name for p in ctx.ws.projects)
        if not own or editable.pth_file is None:
            continue
        stale = [line for line in editable.path_lines if _under(line, old_root)]
        pth = ctx.ws.in_tree(editable.pth_file)
        if not stale or pth is None:
            continue
        broken.append(editable.name)
        pth_text = ctx.ws.snapshot.text(pth) or ""
        # The line as written: absolute, or relative to site-packages.
        written = stale[0]
        start = pth_text.find(written)
        if start < 0:
            written = os.path.relpath(stale[0], os.path.dirname(editable.pth_file))
            start = pth_text.find(written)
        span = (start, start + len(written)) if start >= 0 else (0, 0)
        related.append(
            ctx.related(
                pth,
                span,
                f"the editable install of `{editable.name}` imports it from `{stale[0]}`"
                + (" (gone)" if not os.path.exists(stale[0]) else " (the other copy)"),
            )
        )
    imports = ""
    if broken:
        names = ", ".join(f"`{n}`" for n in broken)
        imports = (
            f"; its editable install of {names} points at the old folder, so plain `pytest` and the "
            + ("Test Explorer cannot import it" if gone else "Test Explorer import the other copy")
        )
    return PD502.at(
        activate,
        where,
        f"`{venv.rel}` was created in `{created}` and then moved or copied here: {effect}{imports}. "
        f"Virtual environments cannot be moved: delete `{venv.rel}` and run {command} to create it again.",
        related=tuple(related),
    )


def _under(path: str, folder: str) -> bool:
    path, folder = os.path.normpath(path), os.path.normpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
