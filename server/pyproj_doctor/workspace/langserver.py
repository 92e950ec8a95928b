"""Which Python language server a VS Code folder really runs, and where each one reads its search paths.

Signals, each at the exact place that turns a server on:

- ``python.languageServer`` (folder settings or a ``*.code-workspace``): ``"Pylance"`` and
  ``"Default"`` run Pylance, ``"Jedi"`` runs Jedi, ``"None"`` runs no language server of the
  Python extension. Without the key the Python extension runs Pylance (its published build packs it).
- A recommended extension (``.vscode/extensions.json`` or a workspace file's ``extensions``):
  ``detachhead.basedpyright``, ``astral-sh.ty``, ``meta.pyrefly``. A team that recommends one
  means its editor to run it.
- Settings of that extension (``basedpyright.*``, ``ty.*``, ``pyrefly.*``/``python.pyrefly.*``):
  nobody writes them for a server that does not run.

A tool's own config (``[tool.basedpyright]``, ``[tool.ty]``/``ty.toml``, ``[tool.pyrefly]``/
``pyrefly.toml``) or a dev dependency says the team runs the checker, maybe only on the command
line or in CI: it never decides which editor server runs (the config then decides only where
that server reads its paths). A mention in a comment is no signal: the documents are read
parsed, never grepped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pyproj_doctor.formats import jsonc
from pyproj_doctor.formats.toml import TomlDocument
from pyproj_doctor.text import Span
from pyproj_doctor.workspace.paths import join
from pyproj_doctor.workspace.vscode import PyrightConfig, read_pyright

if TYPE_CHECKING:
    from pyproj_doctor.workspace.vscode import VsCodeFolder
    from pyproj_doctor.workspace.workspace import Workspace

Server = Literal["Pylance", "Jedi", "basedpyright", "ty", "Pyrefly"]
LANGUAGE_SERVER = "python.languageServer"
EXTENSIONS: dict[str, Server] = {
    "detachhead.basedpyright": "basedpyright",
    "astral-sh.ty": "ty",
    "meta.pyrefly": "Pyrefly",
}
SETTING_PREFIXES: dict[str, Server] = {
    "basedpyright.": "basedpyright",
    "ty.": "ty",
    "pyrefly.": "Pyrefly",
    "python.pyrefly.": "Pyrefly",
}


@dataclass(frozen=True)
class Signal:
    """One place that turns a language server on for the folder."""

    server: Server
    path: str  # the file holding it
    span: Span  # the key or the recommendation entry, as written
    what: str  # how it turns the server on, for messages
    kind: Literal["languageServer", "extension", "setting"]
    json_path: tuple[str | int, ...] = ()


@dataclass
class LanguageServers:
    """The folder's editor language servers."""

    python_ls: Signal | None = None  # python.languageServer as set (None: not set, Pylance runs)
    python_ls_value: str | None = None
    others: list[Signal] = field(default_factory=list)  # basedpyright / ty / Pyrefly turned on

    @property
    def python_extension_server(self) -> Server | None:
        """What the Python extension itself runs: Pylance, Jedi, or nothing (``"None"``)."""
        value = (self.python_ls_value or "Default").lower()
        if value == "jedi":
            return "Jedi"
        if value == "none":
            return None
        return "Pylance"

    @property
    def editor(self) -> Server:
        """The server whose keys a search-path fix writes. Pylance unless the folder turns exactly
        one other server on and does not name Pylance or Jedi in ``python.languageServer``."""
        servers = {s.server for s in self.others}
        named = self.python_ls is not None and self.python_extension_server is not None
        if len(servers) == 1 and not named:
            return next(iter(servers))
        if self.python_extension_server == "Jedi":
            return "Jedi"
        return "Pylance"


def detect(ws: Workspace, folder: VsCodeFolder) -> LanguageServers:
    found = LanguageServers()
    ref = ws.setting(folder, LANGUAGE_SERVER)
    if ref is not None and isinstance(ref.value, str):
        value = ref.value
        server: Server = "Jedi" if value.lower() == "jedi" else "Pylance"
        found.python_ls = Signal(
            server,
            ref.path,
            (ref.prop.offset, ref.prop.end),
            f"`{LANGUAGE_SERVER}` is {value!r}",
            "languageServer",
        )
        found.python_ls_value = value
    seen: set[Server] = set()
    for signal in [*_recommended(ws, folder), *_settings(ws, folder)]:
        if signal.server in seen:
            continue
        seen.add(signal.server)
        found.others.append(signal)
    return found


def _recommended(ws: Workspace, folder: VsCodeFolder) -> list[Signal]:
    out: list[Signal] = []
    sources: list[tuple[str, tuple[str, ...]]] = [(folder.extensions_path, ())]
    sources += [(rel, ("extensions",)) for rel in folder.workspace_files]
    for rel, prefix in sources:
        doc = ws.settings_doc(rel)
        array = doc.find((*prefix, "recommendations")) if doc is not None else None
        if array is None or array.type != "array":
            continue
        unwanted = doc.find((*prefix, "unwantedRecommendations")) if doc is not None else None
        refused = {
            str(i.value).lower()
            for i in (unwanted.children if unwanted is not None and unwanted.type == "array" else [])
            if i.type == "string"
        }
        for index, item in enumerate(array.children):
            ext = str(item.value).lower() if item.type == "string" else ""
            if ext in EXTENSIONS and ext not in refused:
                out.append(
                    Signal(
                        EXTENSIONS[ext],
                        rel,
                        (item.offset, item.end),
                        f"`{ext}` is recommended in {rel}",
                        "extension",
                        (*prefix, "recommendations", index),
                    )
                )
    return out


def _settings(ws: Workspace, folder: VsCodeFolder) -> list[Signal]:
    out: list[Signal] = []
    places: list[tuple[str, tuple[str, ...]]] = [(folder.settings_path, ())]
    places += [(rel, ("settings",)) for rel in folder.workspace_files]
    for rel, prefix in places:
        doc = ws.settings_doc(rel)
        container = (doc.find(prefix) if prefix else doc.root) if doc is not None else None
        if container is None or container.type != "object":
            continue
        for prop in container.children:
            key = _key_of(prop)
            if key is None:
                continue
            for start, server in SETTING_PREFIXES.items():
                if key.startswith(start):
                    key_node = prop.children[0]
                    out.append(
                        Signal(
                            server, rel, (prop.offset, key_node.end), f"`{key}` is set in {rel}", "setting"
                        )
                    )
                    break
    return out


def _key_of(prop: jsonc.Node) -> str | None:
    if prop.type != "property" or not prop.children:
        return None
    value = prop.children[0].value
    return value if isinstance(value, str) else None


def pyright_section(ws: Workspace, folder_dir: str) -> Literal["basedpyright", "pyright"] | None:
    """Which pyproject table basedpyright reads in a folder: ``[tool.basedpyright]``, else
    ``[tool.pyright]``; None when it reads neither (none there, or both: basedpyright then refuses
    the whole file, "cannot have both `pyright` and `basedpyright` sections")."""
    if not ws.has_file(folder_dir, "pyproject.toml"):
        return None
    doc = ws.snapshot.toml(join(folder_dir, "pyproject.toml"))
    if doc is None or not doc.ok:
        return None
    based = isinstance(doc.get("tool", "basedpyright"), dict)
    plain = isinstance(doc.get("tool", "pyright"), dict)
    if based and plain:
        return None
    if based:
        return "basedpyright"
    return "pyright" if plain else None


def pyright_config(ws: Workspace, folder: VsCodeFolder, server: Server) -> PyrightConfig | None:
    """The config file a pyright-based server reads for the folder: pyrightconfig.json first (for
    basedpyright too), then its pyproject table."""
    if server != "basedpyright":
        return folder.pyright
    if ws.has_file(folder.dir, "pyrightconfig.json"):
        return folder.pyright
    section = pyright_section(ws, folder.dir)
    return read_pyright(ws, folder.dir, section) if section is not None else None


# ------------------------------------------------------------------ ty and Pyrefly
@dataclass
class ToolConfig:
    """Where ty or Pyrefly reads its search paths for a folder, and what it holds today.

    ty (0.0.107, checked): ``ty.toml`` wins over ``pyproject.toml``'s ``[tool.ty]`` (an empty
    ty.toml hides it); ``environment.extra-paths`` adds roots (``extra_paths`` is a config error);
    ``environment.root`` replaces the default roots: the project folder, ``src``, and ``python``
    and ``tests`` when they are not packages. Pyrefly (1.4.1, checked): ``pyrefly.toml`` wins over
    ``[tool.pyrefly]``; ``search-path`` (also read as ``search_path``) adds roots beside the import
    root it infers, ``src`` when that exists, else the project folder. Both follow the path lines of
    ``.pth`` files in site-packages, and neither searches the importing file's own folder.
    """

    server: Server
    path: str  # the file to read and write (may not exist yet)
    exists: bool  # the file exists
    table: tuple[str, ...]  # the table holding the key in that file
    key: str  # `extra-paths`, `search-path` or `search_path`
    entries: list[str]  # the key's entries as written
    key_span: Span | None  # the key as written
    table_span: Span | None  # the table's header as written
    roots: list[str] | None = None  # ty's `environment.root` as written (None: the defaults)

    @property
    def label(self) -> str:
        return ".".join((*self.table, self.key)) if self.table else self.key


def tool_config(ws: Workspace, folder_dir: str, server: Server) -> ToolConfig | None:
    """The config ty or Pyrefly reads in ``folder_dir``; None when it cannot be read (a file that
    does not parse is reported by PD901/PD902, never rewritten)."""
    own, section, sub = (
        ("ty.toml", "ty", ("environment",)) if server == "ty" else ("pyrefly.toml", "pyrefly", ())
    )
    own_rel = join(folder_dir, own)
    pyproject_rel = join(folder_dir, "pyproject.toml")
    if ws.has_file(folder_dir, own):
        doc = ws.snapshot.toml(own_rel)
        return _read_tool(doc, server, own_rel, sub) if doc is not None and doc.ok else None
    if ws.has_file(folder_dir, "pyproject.toml"):
        doc = ws.snapshot.toml(pyproject_rel)
        if doc is None or not doc.ok:
            return None
        if isinstance(doc.get("tool", section), dict):
            return _read_tool(doc, server, pyproject_rel, ("tool", section, *sub))
        # Nothing configures it yet: the folder's pyproject.toml gets the table.
        key = "extra-paths" if server == "ty" else "search-path"
        return ToolConfig(server, pyproject_rel, True, ("tool", section, *sub), key, [], None, None)
    key = "extra-paths" if server == "ty" else "search-path"
    return ToolConfig(server, own_rel, False, sub, key, [], None, None)


def _read_tool(doc: TomlDocument, server: Server, rel: str, table: tuple[str, ...]) -> ToolConfig:
    keys = ("extra-paths",) if server == "ty" else ("search-path", "search_path")
    key = next((k for k in keys if doc.entry(*table, k) is not None), keys[0])
    entry = doc.entry(*table, key)
    raw = doc.get(*table, key)
    entries = [v for v in raw if isinstance(v, str)] if isinstance(raw, list) else []
    roots_raw = doc.get(*table, "root") if server == "ty" else None
    roots = [v for v in roots_raw if isinstance(v, str)] if isinstance(roots_raw, list) else None
    return ToolConfig(
        server,
        rel,
        True,
        table,
        key,
        entries,
        (entry.key_start, entry.key_end) if entry is not None else None,
        doc.span_of(*table) if table else None,
        roots,
    )


def tool_search_dirs(ws: Workspace, folder_dir: str, config: ToolConfig, site: list[str]) -> list[str]:
    """Every folder ty or Pyrefly searches for a first-party import (absolute paths)."""
    root = ws.snapshot.abspath(folder_dir)
    base = ws.snapshot.abspath(config.path.rsplit("/", 1)[0] if "/" in config.path else ".")

    def is_package_dir(path: str) -> bool:
        return ws.exists(os.path.join(path, "__init__.py")) or ws.exists(os.path.join(path, "__init__.pyi"))

    if config.server == "ty":
        if config.roots is not None:
            roots = [os.path.normpath(os.path.join(base, r)) for r in config.roots]
        else:
            roots = [root]
            src = os.path.join(root, "src")
            if ws.is_dir(src):
                roots.append(src)
            for name in ("python", "tests"):
                path = os.path.join(root, name)
                if ws.is_dir(path) and not is_package_dir(path):
                    roots.append(path)
    else:
        src = os.path.join(root, "src")
        roots = [src if ws.is_dir(src) else root]
    extra = [os.path.normpath(os.path.join(base, e)) for e in config.entries]
    return [*roots, *extra, *site]


__all__ = [
    "EXTENSIONS",
    "LANGUAGE_SERVER",
    "LanguageServers",
    "Server",
    "Signal",
    "ToolConfig",
    "detect",
    "tool_config",
    "tool_search_dirs",
]
