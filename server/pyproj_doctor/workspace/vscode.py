"""VS Code's view of the tree: folders, their settings (folder and ``*.code-workspace``) and pyright configs.

A folder is the root, any folder with a ``.vscode`` folder, or a folder a
``*.code-workspace`` file in the root lists; each project belongs to the
innermost folder that contains it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from pyproj_doctor.formats import jsonc
from pyproj_doctor.text import Span, Word
from pyproj_doctor.workspace.paths import ROOT, join, parent

if TYPE_CHECKING:
    from pyproj_doctor.workspace.projects import Project
    from pyproj_doctor.workspace.workspace import Workspace


@dataclass
class SettingRef:
    key: str
    value: Any
    path: str  # the settings.json or .code-workspace holding it
    prop: jsonc.Node  # the property node (key + value)


@dataclass
class ExecEnv:
    """One of pyright's ``executionEnvironments``: files below ``root`` resolve imports from
    ``root`` (instead of the workspace folder) and its own ``extraPaths``, which replace the
    top-level/settings list; without one it inherits that list (pyright ``configOptions.ts``)."""

    index: int
    root: str  # as written, relative to the config's folder
    extra_paths: list[str] | None  # None: inherits the default list


@dataclass
class PyrightConfig:
    path: str
    kind: Literal["json", "toml"]
    folder: str
    extra_paths: list[Word]
    extra_paths_span: Span | None
    span: Span  # header / root object
    execution_environments: bool
    environments: list[ExecEnv] = field(default_factory=list)
    stub_path: str | None = None  # `stubPath` as written (pyright's default is `typings`)
    section: str = "pyright"  # the pyproject table: `tool.pyright`, or `tool.basedpyright`


@dataclass
class VsCodeFolder:
    dir: str
    projects: list[Project] = field(default_factory=list)
    workspace_files: list[str] = field(default_factory=list)
    pyright: PyrightConfig | None = None

    @property
    def settings_path(self) -> str:
        return join(self.dir, ".vscode/settings.json")

    @property
    def extensions_path(self) -> str:
        return join(self.dir, ".vscode/extensions.json")


def shares_vscode(ws: Workspace, folder: VsCodeFolder) -> bool:
    """Whether the team shares VS Code configuration for this folder.

    A ``.vscode`` folder in the tree (not gitignored: an ignored one is pruned from the
    index) or a ``*.code-workspace`` that lists the folder. Without either, editor advice
    is a convenience for whoever opens the folder, not a gap in the team's setup."""
    listing = ws.index.listing(folder.dir)
    return bool(folder.workspace_files) or (listing is not None and ".vscode" in listing.dirs)


def discover(ws: Workspace, projects: list[Project]) -> tuple[list[VsCodeFolder], list[str]]:
    """The VS Code folders (each with its projects) and the root's ``*.code-workspace`` files."""
    # Which folders hold a .vscode is the listing's business (every folder is looked at).
    folder_dirs = {ROOT, *ws.per_listing(("vscode-folders",), lambda: _vscode_dirs(ws))}
    workspace_files: dict[str, list[str]] = {}
    code_workspaces: list[str] = []
    for name in ws.files(ROOT):
        if name.endswith(".code-workspace"):
            code_workspaces.append(name)
            for listed in _workspace_folders(ws, name):
                folder_dirs.add(listed)
                workspace_files.setdefault(listed, []).append(name)
    folders = []
    for d in sorted(folder_dirs):
        folder = VsCodeFolder(d, workspace_files=workspace_files.get(d, []))
        folder.pyright = _pyright(ws, d)
        folders.append(folder)
    by_dir = {f.dir: f for f in folders}
    for project in projects:
        # The innermost folder holding the project: the first met walking up (the root is one).
        d = project.dir
        while d not in by_dir:
            d = parent(d)
        best = by_dir[d]
        project.folder = best
        best.projects.append(project)
    return folders, code_workspaces


def _vscode_dirs(ws: Workspace) -> list[str]:
    return [d for d, listing in ws.index.dirs.items() if ".vscode" in listing.dirs and d != ROOT]


def _workspace_folders(ws: Workspace, rel: str) -> list[str]:
    doc = ws.settings_doc(rel)
    folders = doc.find(("folders",)) if doc else None
    out: list[str] = []
    if folders is None or folders.type != "array":
        return out
    for item in folders.children:
        path = item.get("path") if item.type == "object" else None
        if path is None or not isinstance(path.value, str):
            continue
        raw = path.value.replace("\\", "/")
        if os.path.isabs(raw):
            continue
        norm = os.path.normpath(raw).replace(os.sep, "/")
        if norm == ROOT or (not norm.startswith("..") and ws.index.listing(norm) is not None):
            out.append(norm)
    return out


def _pyright(ws: Workspace, folder: str, section: str = "pyright") -> PyrightConfig | None:
    """The pyright config of a folder: pyrightconfig.json wins over ``[tool.<section>]``."""
    json_rel = join(folder, "pyrightconfig.json")
    if ws.has_file(folder, "pyrightconfig.json"):
        doc = ws.snapshot.jsonc(json_rel)
        extra: list[Word] = []
        extra_span = None
        envs = False
        span = (0, 0)
        if doc is not None and doc.root is not None and doc.root.type == "object":
            span = (doc.root.offset, doc.root.offset + 1)
            prop = doc.root.property("extraPaths")
            if prop is not None:
                extra_span = (prop.offset, prop.end)
                value = prop.value_node
                if value is not None and value.type == "array":
                    extra = [
                        Word(str(c.value), c.offset, c.end) for c in value.children if c.type == "string"
                    ]
            envs_prop = doc.root.property("executionEnvironments")
            envs = envs_prop is not None
            raw_envs = envs_prop.value_node.to_value() if envs_prop and envs_prop.value_node else None
            stub = doc.root.property("stubPath")
            stub_value = stub.value_node.to_value() if stub is not None and stub.value_node else None
            return PyrightConfig(
                json_rel,
                "json",
                folder,
                extra,
                extra_span,
                span,
                envs,
                _environments(raw_envs),
                stub_value if isinstance(stub_value, str) else None,
            )
        return PyrightConfig(json_rel, "json", folder, extra, extra_span, span, envs)
    if ws.has_file(folder, "pyproject.toml"):
        rel = join(folder, "pyproject.toml")
        doc_toml = ws.snapshot.toml(rel)
        if doc_toml is None or not doc_toml.ok or not isinstance(doc_toml.get("tool", section), dict):
            return None
        span_t = doc_toml.span_of("tool", section) or (0, 0)
        entry = doc_toml.entry("tool", section, "extraPaths")
        extra = []
        extra_span = None
        raw = doc_toml.get("tool", section, "extraPaths")
        if entry is not None:
            extra_span = (entry.key_start, entry.key_end)
            if isinstance(raw, list) and len(raw) == len(entry.value.items):
                extra = [Word(str(v), i.start, i.end) for v, i in zip(raw, entry.value.items)]
        raw_envs = doc_toml.get("tool", section, "executionEnvironments")
        stub_value = doc_toml.get("tool", section, "stubPath")
        return PyrightConfig(
            rel,
            "toml",
            folder,
            extra,
            extra_span,
            span_t,
            raw_envs is not None,
            _environments(raw_envs),
            stub_value if isinstance(stub_value, str) else None,
            section,
        )
    return None


def read_pyright(ws: Workspace, folder: str, section: str) -> PyrightConfig | None:
    return _pyright(ws, folder, section)


def _environments(raw: Any) -> list[ExecEnv]:
    """The well-formed entries of ``executionEnvironments`` (pyright skips an entry without a root)."""
    out: list[ExecEnv] = []
    if not isinstance(raw, list):
        return out
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("root"), str) or not item["root"]:
            continue
        extra = item.get("extraPaths")
        own = [p for p in extra if isinstance(p, str)] if isinstance(extra, list) else None
        out.append(ExecEnv(index, item["root"], own))
    return out


# ------------------------------------------------------------------ settings
def folder_setting(ws: Workspace, folder: VsCodeFolder, key: str) -> SettingRef | None:
    return _setting_in(ws, folder.settings_path, (), key)


def workspace_settings(ws: Workspace, folder: VsCodeFolder, key: str) -> list[SettingRef]:
    refs = []
    for rel in folder.workspace_files:
        ref = _setting_in(ws, rel, ("settings",), key)
        if ref is not None:
            refs.append(ref)
    return refs


def _setting_in(ws: Workspace, rel: str, prefix: tuple[str, ...], key: str) -> SettingRef | None:
    # Once per check (rules ask for the same settings of every project); whoever takes it
    # notes the file, as a read would.
    memo = ("setting", rel, prefix, key)
    if memo in ws.facts:
        ws.snapshot.saw(rel)
        return cast("SettingRef | None", ws.facts[memo])
    found = ws.facts[memo] = _read_setting(ws, rel, prefix, key)
    return found


def _read_setting(ws: Workspace, rel: str, prefix: tuple[str, ...], key: str) -> SettingRef | None:
    doc = ws.settings_doc(rel)
    if doc is None:
        return None
    container = doc.find(prefix) if prefix else doc.root
    if container is None or container.type != "object":
        return None
    prop = container.property(key)
    if prop is None or prop.value_node is None:
        return None
    return SettingRef(key, prop.value_node.to_value(), rel, prop)
