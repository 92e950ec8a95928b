"""PD4xx: the extensions a team shares through ``.vscode/extensions.json``."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyproj_doctor.findings import Applicability, Finding, Range, Severity
from pyproj_doctor.fixes.builders import json_append, json_remove, json_set
from pyproj_doctor.formats import jsonc
from pyproj_doctor.rules.base import Context, rule
from pyproj_doctor.workspace.paths import join
from pyproj_doctor.workspace.vscode import VsCodeFolder

PYTHON = "ms-python.python"
RUFF = "charliermarsh.ruff"
TOML = "tamasfe.even-better-toml"
# Replaced or abandoned extensions, with what to use instead (None: drop it).
DEPRECATED: dict[str, str | None] = {
    "bungcip.better-toml": TOML,
    "littlefoxteam.vscode-python-test-adapter": None,
    "ms-python.anaconda-extension-pack": None,
    "magicstack.magicpython": None,
}
# Language servers that each run their own analysis of the same files.
TYPE_CHECKERS = (
    "ms-python.vscode-pylance",
    "ms-pyright.pyright",
    "detachhead.basedpyright",
    "meta.pyrefly",
    "astral-sh.ty",
)


@dataclass
class Entry:
    id: str  # lower-cased
    node: jsonc.Node
    path: str
    json_path: tuple[str | int, ...]


@dataclass
class Recommendations:
    file: str | None  # where recommendations live (extensions.json or a workspace file)
    prefix: tuple[str, ...]
    recommended: list[Entry]
    unwanted: list[Entry]
    container: jsonc.Node | None  # the object holding the two lists


def _entries(ctx: Context, rel: str, prefix: tuple[str, ...]) -> Recommendations | None:
    doc = ctx.ws.settings_doc(rel)
    if doc is None:
        return None
    container = doc.find(prefix) if prefix else doc.root
    if container is None or container.type != "object":
        return Recommendations(rel, prefix, [], [], None)
    lists: dict[str, list[Entry]] = {"recommendations": [], "unwantedRecommendations": []}
    for key, items in lists.items():
        array = container.get(key)
        if array is None or array.type != "array":
            continue
        for index, item in enumerate(array.children):
            if item.type == "string":
                items.append(Entry(str(item.value).lower(), item, rel, (*prefix, key, index)))
    return Recommendations(rel, prefix, lists["recommendations"], lists["unwantedRecommendations"], container)


def _sources(ctx: Context, folder: VsCodeFolder) -> list[Recommendations]:
    found = []
    own = _entries(ctx, folder.extensions_path, ())
    if own is not None:
        found.append(own)
    for rel in folder.workspace_files:
        listed = _entries(ctx, rel, ("extensions",))
        if listed is not None and listed.container is not None:
            found.append(listed)
    return found


def _uses_ruff(ctx: Context, folder: VsCodeFolder) -> bool:
    key = ("uses-ruff", folder.dir)  # once per check: PD401 and PD402 both ask, of every project
    if key not in ctx.ws.memo:
        ctx.ws.memo[key] = _ruff_in(ctx, folder)
    return bool(ctx.ws.memo[key])


def _ruff_in(ctx: Context, folder: VsCodeFolder) -> bool:
    for project in folder.projects:
        if ctx.ws.has_file(project.dir, "ruff.toml") or ctx.ws.has_file(project.dir, ".ruff.toml"):
            return True
        doc = project.doc
        if doc is None:
            continue
        if doc.get("tool", "ruff") is not None:
            return True
        text = ctx.ws.snapshot.text(project.pyproject) if project.pyproject else None
        if text and _names_ruff(text):
            return True
    pre_commit = ctx.ws.snapshot.text(join(folder.dir, ".pre-commit-config.yaml"))
    return bool(pre_commit and "ruff-pre-commit" in pre_commit)


_RUFF_NAMED = re.compile(r"""["']ruff([<>=!~\[ ;"']|$)""")
_RUFF_IN_TEXT: dict[str, bool] = {}


def _names_ruff(text: str) -> bool:
    """Whether a pyproject.toml text names ruff as a requirement. By text: a file on disk is the
    same string object from check to check (its hash is kept), and a folder asks of every member."""
    found = _RUFF_IN_TEXT.get(text)
    if found is None:
        if len(_RUFF_IN_TEXT) >= 4096:
            _RUFF_IN_TEXT.clear()
        found = _RUFF_IN_TEXT[text] = _RUFF_NAMED.search(text) is not None
    return found


def _wanted(ctx: Context, folder: VsCodeFolder) -> list[tuple[str, str]]:
    if not folder.projects:
        return []
    wanted = [(PYTHON, "the Python extension runs tests and brings Pylance")]
    if _uses_ruff(ctx, folder):
        wanted.append((RUFF, "the project uses Ruff"))
    if any(p.pyproject for p in folder.projects):
        wanted.append((TOML, "it validates and completes pyproject.toml"))
    for extra in ctx.settings.extra_recommendations:
        if extra.lower() not in {ext_id for ext_id, _ in wanted}:
            wanted.append((extra.lower(), "listed in the project's extra recommendations"))
    return wanted


def _shared_folders(ctx: Context) -> list[VsCodeFolder]:
    """Folders whose extensions.json is shared with the team (not gitignored): advice for teammates."""
    return [f for f in ctx.ws.folders if not ctx.ws.gitignored(f.extensions_path)]


@rule(
    "PD401",
    "recommended-extension-missing",
    Severity.INFORMATION,
    "A recommended extension for a tool the project uses is missing from recommendations",
    fix=Applicability.SAFE,
)
def PD401(ctx: Context) -> Iterator[Finding]:
    """``.vscode/extensions.json`` makes VS Code offer the team's extensions on
    first open. A Python project should recommend ``ms-python.python``, a project
    using Ruff ``charliermarsh.ruff``, and a project with ``pyproject.toml``
    ``tamasfe.even-better-toml``. The fix adds the missing ids (creating the file
    when needed). An extension listed as unwanted is reported by PD402 instead.
    A gap in a list the team keeps is information; where the team keeps no list
    at all (no extensions.json, no ``extensions`` in a workspace file) starting
    one is a convenience: a hint."""
    for folder in ctx.ws.folders:
        # Kept across checks (see Workspace.kept): it reads the folder's files and its projects;
        # the extra recommendations are the caller's.
        uses = (folder.dir, tuple(folder.workspace_files), ctx.settings.extra_recommendations)
        yield from ctx.ws.kept(
            ("PD401", "folder", folder.dir), folder.projects, uses, functools.partial(_pd401, ctx, folder)
        )


def _pd401(ctx: Context, folder: VsCodeFolder) -> list[Finding]:
    if ctx.ws.gitignored(folder.extensions_path):
        return []  # personal settings, not the team's: see _shared_folders
    wanted = _wanted(ctx, folder)
    if not wanted:
        return []
    sources = _sources(ctx, folder)
    if ctx.ws.snapshot.is_file(folder.extensions_path) and not any(
        s.file == folder.extensions_path for s in sources
    ):
        return []  # extensions.json does not parse: PD902 reports it
    recommended = {e.id for s in sources for e in s.recommended}
    unwanted = {e.id for s in sources for e in s.unwanted}
    target = sources[0] if sources else None
    curated = bool(sources)
    found = []
    for ext_id, why in wanted:
        if ext_id in recommended or ext_id in unwanted:
            continue
        path, range_ = _location(ctx, folder, target)
        rel = target.file if target and target.file else folder.extensions_path
        prefix = target.prefix if target else ()
        found.append(
            PD401.at(
                path,
                range_,
                f"`{ext_id}` is not recommended in {rel} ({why}): teammates are not offered it"
                + ("." if curated else f" (the team keeps no recommendations yet: {rel} would start them)."),
                ctx.json_fix(
                    f"Add {ext_id} to the recommendations in {rel}",
                    rel,
                    [json_append((*prefix, "recommendations"), ext_id)],
                ),
                severity=None if curated else Severity.HINT,
            )
        )
    return found


def _location(ctx: Context, folder: VsCodeFolder, target: Recommendations | None) -> tuple[str, Range]:
    if target is not None and target.file is not None and target.container is not None:
        array = target.container.property("recommendations")
        node = array if array is not None else target.container
        end = node.children[0].end if node.type == "property" else node.offset + 1
        return target.file, ctx.range(target.file, (node.offset, end))
    if target is not None and target.file is not None:
        return target.file, ctx.first_line(target.file)
    return ctx.folder_anchor(folder)


@rule(
    "PD402",
    "extension-wanted-and-unwanted",
    Severity.INFORMATION,
    "An extension is both recommended and unwanted, or a needed one is unwanted",
)
def PD402(ctx: Context) -> Iterator[Finding]:
    """An id in both ``recommendations`` and ``unwantedRecommendations`` gives
    VS Code contradictory instructions; an extension the project needs (the
    Python extension, Ruff when Ruff is used, the TOML extension) listed as
    unwanted makes VS Code discourage it. Remove one of the two entries."""
    for folder in _shared_folders(ctx):
        sources = _sources(ctx, folder)
        recommended = {e.id for s in sources for e in s.recommended}
        needed = {ext_id: why for ext_id, why in _wanted(ctx, folder)}
        for source in sources:
            for entry in source.unwanted:
                if entry.id in recommended:
                    message = (
                        f"`{entry.id}` is both recommended and unwanted: VS Code gets contradictory "
                        "instructions. Remove one of the two entries."
                    )
                elif entry.id in needed:
                    message = (
                        f"`{entry.id}` is listed as unwanted, but {needed[entry.id]}. "
                        "Remove it from `unwantedRecommendations` and recommend it."
                    )
                else:
                    continue
                yield PD402.at(
                    entry.path,
                    ctx.range(entry.path, (entry.node.offset, entry.node.end)),
                    message,
                )


@rule(
    "PD403",
    "extension-deprecated-or-conflicting",
    Severity.INFORMATION,
    "A deprecated or conflicting extension is recommended",
    fix=Applicability.UNSAFE,
)
def PD403(ctx: Context) -> Iterator[Finding]:
    """Some extensions are abandoned in favour of others (``bungcip.better-toml``
    → ``tamasfe.even-better-toml``; the old Python Test Adapter, now built in),
    and two type-checking language servers (Pylance, pyright, basedpyright,
    Pyrefly, ty) recommended together analyse the same files twice with
    different results. The fix replaces a deprecated id by its successor, or
    removes it when there is none or the successor is already listed."""
    for folder in _shared_folders(ctx):
        for source in _sources(ctx, folder):
            ids = {e.id for e in source.recommended}
            checkers: list[Entry] = []
            for entry in source.recommended:
                if entry.id in DEPRECATED:
                    successor = DEPRECATED[entry.id]
                    rel, json_path = entry.path, entry.json_path
                    if successor and successor not in ids:
                        fix = ctx.json_fix(
                            f"Replace {entry.id} with {successor} in {rel}",
                            rel,
                            [json_set(json_path, successor)],
                        )
                    else:
                        fix = ctx.json_fix(
                            f"Remove {entry.id} from the recommendations in {rel}",
                            rel,
                            [json_remove(json_path)],
                        )
                    yield PD403.at(
                        entry.path,
                        ctx.range(entry.path, (entry.node.offset, entry.node.end)),
                        f"`{entry.id}` is deprecated"
                        + (f" in favour of `{successor}`" if successor else "")
                        + ": teammates are offered an abandoned extension.",
                        fix,
                    )
                elif entry.id in TYPE_CHECKERS:
                    checkers.append(entry)
            for entry in checkers[1:]:
                yield PD403.at(
                    entry.path,
                    ctx.range(entry.path, (entry.node.offset, entry.node.end)),
                    f"`{entry.id}` and `{checkers[0].id}` are both recommended: two type-checking "
                    "language servers analyse the same files with different results. Keep one.",
                    related=(
                        ctx.related(
                            checkers[0].path, (checkers[0].node.offset, checkers[0].node.end), "the other one"
                        ),
                    ),
                )
