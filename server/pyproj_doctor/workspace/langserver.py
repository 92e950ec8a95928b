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
line; it is kept as evidence (``configured``) but never decides which editor server runs.
A mention in a comment is no signal: the documents are read parsed, never grepped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pyproj_doctor.formats import jsonc
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
    """The folder's editor language servers and the checkers it configures."""

    python_ls: Signal | None = None  # python.languageServer as set (None: not set, Pylance runs)
    python_ls_value: str | None = None
    others: list[Signal] = field(default_factory=list)  # basedpyright / ty / Pyrefly turned on
    configured: set[Server] = field(default_factory=set)  # a tool config or dependency names it

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
    found.configured = configured(ws, folder)
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


def configured(ws: Workspace, folder: VsCodeFolder) -> set[Server]:
    """The checkers a project of the folder configures or declares (CLI use counts)."""
    out: set[Server] = set()
    dirs = {folder.dir, *(p.dir for p in folder.projects)}
    for d in dirs:
        if ws.has_file(d, "ty.toml"):
            out.add("ty")
        if ws.has_file(d, "pyrefly.toml"):
            out.add("Pyrefly")
        if not ws.has_file(d, "pyproject.toml"):
            continue
        doc = ws.snapshot.toml(join(d, "pyproject.toml"))
        if doc is None or not doc.ok:
            continue
        for section, server in (("basedpyright", "basedpyright"), ("ty", "ty"), ("pyrefly", "Pyrefly")):
            if isinstance(doc.get("tool", section), dict):
                out.add(server)  # type: ignore[arg-type]
    return out


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


def both_pyright_sections(ws: Workspace, folder_dir: str) -> bool:
    if not ws.has_file(folder_dir, "pyproject.toml"):
        return False
    doc = ws.snapshot.toml(join(folder_dir, "pyproject.toml"))
    return (
        doc is not None
        and doc.ok
        and isinstance(doc.get("tool", "basedpyright"), dict)
        and isinstance(doc.get("tool", "pyright"), dict)
    )


__all__ = ["EXTENSIONS", "LANGUAGE_SERVER", "LanguageServers", "Server", "Signal", "configured", "detect"]
