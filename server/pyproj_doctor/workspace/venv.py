"""What a virtual environment tells us without running it.

Only ``pyvenv.cfg``, the activate script and the top level of site-packages
are read: ``.pth`` path lines (what Pylance follows), import-hook editables
(what it cannot follow) with the names setuptools' finder maps, ``direct_url.json``
of editable installs, and the folder the environment was created in.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field

from pyproj_doctor.text import read_text_lenient

MAX_AUX_BYTES = 1024 * 1024


@dataclass
class EditableInstall:
    name: str  # normalized distribution name
    project_dir: str | None  # absolute, from direct_url.json
    path_lines: list[str] = field(default_factory=list)  # absolute paths from its .pth
    import_hook: bool = False
    pth_file: str | None = None  # absolute path of its .pth
    # Top-level name -> absolute folder or module, as setuptools' finder module maps it (its
    # `MAPPING`, read as a literal, never run); empty when the hook is not setuptools'.
    mapping: dict[str, str] = field(default_factory=dict)


@dataclass
class Venv:
    rel: str  # workspace-relative folder
    abspath: str
    version: str | None
    pth_paths: list[str]  # absolute, normalized paths from every .pth path line
    editables: list[EditableInstall]
    dists: dict[str, str]  # normalized name -> version
    interpreter: str  # workspace-relative path of its python
    site_packages: list[str] = field(default_factory=list)  # absolute; installed copies resolve here
    # Where it was created (the literal VIRTUAL_ENV of its activate script; None for a
    # relocatable environment or one without the script), and that script's path.
    created_at: str | None = None
    activate: str | None = None

    # Real paths resolved so far: a Venv is read once per disk state (``Workspace.venv_at``), and a
    # check asks about every member of a large workspace.
    _real: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def realpath(self, path: str) -> str:
        found = self._real.get(path)
        if found is None:
            found = self._real[path] = os.path.realpath(path)
        return found

    def editable_for(self, name: str | None, project_abs: str) -> EditableInstall | None:
        real = self.realpath(project_abs)
        wanted = normalize(name) if name else None
        for editable in self.editables:
            if editable.project_dir and self.realpath(editable.project_dir) == real:
                return editable
            if wanted and editable.name == wanted:
                return editable
        return None

    def hooked(self, name: str) -> str | None:
        """Where an import hook of an editable install takes the top-level ``name``: the
        package folder (with ``__init__.py``) or module setuptools' finder maps it to, if it exists."""
        for editable in self.editables:
            target = editable.mapping.get(name)
            if target is None:
                continue
            module = target if target.endswith(".py") else target + ".py"
            if os.path.isfile(os.path.join(target, "__init__.py")) or os.path.isfile(module):
                return target
        return None

    def covers(self, folder_abs: str) -> bool:
        real = self.realpath(folder_abs)
        return any(self.realpath(p) == real for p in self.pth_paths)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(path: str) -> str:
    # Pipes, devices and oversized files read as empty: a crafted venv must not hang a check.
    return read_text_lenient(path, MAX_AUX_BYTES)


def _version(cfg: str) -> str | None:
    values: dict[str, str] = {}
    for line in cfg.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    return values.get("version_info") or values.get("version")


def site_packages_of(venv_abs: str) -> list[str]:
    found: list[str] = []
    lib = os.path.join(venv_abs, "lib")
    try:
        for name in sorted(os.listdir(lib)):
            if name.startswith(("python", "pypy")):
                candidate = os.path.join(lib, name, "site-packages")
                if os.path.isdir(candidate):
                    found.append(candidate)
    except OSError:
        pass
    windows = os.path.join(venv_abs, "Lib", "site-packages")
    if os.path.isdir(windows):
        found.append(windows)
    return found


def interpreter_of(venv_rel: str, venv_abs: str) -> str:
    if os.path.isdir(os.path.join(venv_abs, "Scripts")) and not os.path.isdir(os.path.join(venv_abs, "bin")):
        return f"{venv_rel}/Scripts/python.exe"
    return f"{venv_rel}/bin/python"


def read_venv(rel: str, venv_abs: str) -> Venv | None:
    cfg_path = os.path.join(venv_abs, "pyvenv.cfg")
    if not os.path.isfile(cfg_path):
        return None
    version = _version(_read(cfg_path))
    sites = site_packages_of(venv_abs)
    pth_paths: list[str] = []
    editables: dict[str, EditableInstall] = {}
    dists: dict[str, str] = {}
    for site in sites:
        try:
            names = sorted(os.listdir(site))
        except OSError:
            continue
        for name in names:
            full = os.path.join(site, name)
            if name.endswith(".pth"):
                content = _read(full)
                lines, hook = _pth_lines(site, content)
                pth_paths.extend(lines)
                if name.startswith("__editable__") or name.startswith("_") or hook:
                    dist = _dist_from_pth(name)
                    if dist:
                        entry = editables.setdefault(dist, EditableInstall(dist, None))
                        entry.path_lines.extend(lines)
                        entry.import_hook = entry.import_hook or hook
                        entry.pth_file = entry.pth_file or full
                        for module in _hook_modules(content) if hook else ():
                            entry.mapping.update(_finder_mapping(os.path.join(site, module + ".py")))
            elif name.endswith(".dist-info"):
                stem = name[: -len(".dist-info")]
                dist_name, _, dist_version = stem.partition("-")
                normalized = normalize(dist_name)
                dists[normalized] = dist_version
                direct = _read(os.path.join(full, "direct_url.json"))
                if direct:
                    project_dir = _editable_dir(direct)
                    if project_dir is not None:
                        entry = editables.setdefault(normalized, EditableInstall(normalized, None))
                        entry.project_dir = project_dir
    # A .pth named after a project that has no editable metadata is not an editable.
    real_editables = [e for e in editables.values() if e.project_dir or e.import_hook]
    activate, created_at = _created_at(venv_abs)
    return Venv(
        rel,
        venv_abs,
        version,
        pth_paths,
        real_editables,
        dists,
        interpreter_of(rel, venv_abs),
        sites,
        created_at,
        activate,
    )


# venv, virtualenv and uv write the folder as a literal; uv's relocatable environments compute it.
_VIRTUAL_ENV = re.compile(
    r"""(?m)^\s*(?:export\s+)?VIRTUAL_ENV=(["']?)((?:/|[A-Za-z]:[\\/])[^"'\n]*)\1\s*$"""
)


def _created_at(venv_abs: str) -> tuple[str | None, str | None]:
    """The activate script and the folder it says the environment was created in."""
    for folder in ("bin", "Scripts"):
        script = os.path.join(venv_abs, folder, "activate")
        match = _VIRTUAL_ENV.search(_read(script))
        if match:
            return script, match.group(2)
    return None, None


def created_elsewhere(venv: Venv) -> bool:
    """Whether the environment was created in another folder and then moved or copied here."""
    if venv.created_at is None:
        return False
    created = venv.created_at
    if re.match(r"^[A-Za-z]:[\\/]", created) != re.match(r"^[A-Za-z]:[\\/]", venv.abspath):
        return True  # made on Windows, opened here (or the reverse)
    return os.path.normcase(os.path.realpath(created)) != os.path.normcase(os.path.realpath(venv.abspath))


def _pth_lines(site: str, content: str) -> tuple[list[str], bool]:
    paths: list[str] = []
    hook = False
    for line in content.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("import ", "import\t")):
            hook = True
            continue
        paths.append(os.path.normpath(os.path.join(site, line)))
    return paths, hook


def _hook_modules(content: str) -> list[str]:
    """The modules a ``.pth``'s ``import`` lines load (setuptools: ``__editable___<dist>_finder``)."""
    return re.findall(r"(?m)^\s*import\s+([A-Za-z_]\w*)", content)


_MAPPING = re.compile(r"(?m)^MAPPING\s*(?::[^=\n]*)?=\s*(\{.*\})\s*$")


def _finder_mapping(path: str) -> dict[str, str]:
    """setuptools' finder module's ``MAPPING`` (top-level name -> path), read as a literal."""
    match = _MAPPING.search(_read(path))
    if match is None:
        return {}
    try:
        value = ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return {}
    if not isinstance(value, dict):
        return {}
    return {
        k: os.path.normpath(v) for k, v in value.items() if isinstance(k, str) and isinstance(v, str) and v
    }


def _dist_from_pth(name: str) -> str | None:
    stem = name[: -len(".pth")]
    if stem.startswith("__editable__."):
        stem = stem[len("__editable__.") :]
    stem = stem.lstrip("_")
    if stem.startswith("editable_impl_"):  # hatchling 1.2x: "_editable_impl_<name>.pth"
        stem = stem[len("editable_impl_") :]
    # setuptools: "<name>-<version>"; hatchling: "_<name>"; pdm: "<name>"
    match = re.match(r"([A-Za-z0-9][A-Za-z0-9._]*?)(?:-\d.*)?$", stem)
    return normalize(match.group(1)) if match else None


def _editable_dir(direct_url: str) -> str | None:
    try:
        data = json.loads(direct_url)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    info = data.get("dir_info")
    if not isinstance(info, dict) or not info.get("editable"):
        return None
    from urllib.parse import unquote, urlparse  # only for editable installs

    url = data.get("url")
    if not isinstance(url, str) or not url.startswith("file:"):
        return None
    path = unquote(urlparse(url).path)
    if re.match(r"^/[A-Za-z]:/", path):
        path = path[1:]
    return path
