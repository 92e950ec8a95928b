"""What a check learned from each test module, kept between runs (as ruff keeps ``.ruff_cache``).

The imports of every test module are read on each run; on a large suite that is most of
the work. This cache keeps them in ``<root>/.pyproj-doctor_cache/`` keyed by the module's
path, mtime and size, for this version of pyproj-doctor and this Python. It is only an
optimisation: a missing, corrupt or foreign cache file is ignored, a folder that cannot
be written is left alone, and nothing is written outside the checked folder (a cache
folder that is a symbolic link is not used). The folder holds a ``.gitignore`` of ``*``,
so git never sees it, and a ``CACHEDIR.TAG``, so backup tools skip it. JSON, never
pickle: a cache file in a cloned repository must not be able to run code.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time
from typing import Any

from pyproj_doctor import __version__
from pyproj_doctor.workspace.projects import TEST_MODULES, ImportRef, TestModule
from pyproj_doctor.workspace.snapshot import Snapshot

CACHE_DIR = ".pyproj-doctor_cache"
FORMAT = 1
_PYTHON = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"
_KEY = f"{__version__}-{_PYTHON}"
_MAX_BYTES = 64 * 1024 * 1024
# A file changed twice within the file system's timestamp resolution keeps its (mtime, size):
# entries this recent are not kept, so a later run reads them again (git's "racy" rule).
_RACY_NS = 2_000_000_000
# Per root, the entries the cache file holds as last read or written by this process: a
# fix run checks many times and reads the file once; a run that learned nothing new writes nothing.
_KNOWN: dict[str, dict[str, list[Any]]] = {}
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# Created by pyproj-doctor: a cache, safe to delete.\n"


def _folder(root: str) -> str:
    return os.path.join(root, CACHE_DIR)


def _file(root: str) -> str:
    return os.path.join(_folder(root), f"test-modules-{_KEY}.json")


def _decode(value: Any) -> TestModule | None:
    """One entry's module, checking every type (a corrupt file raises ValueError)."""
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 3):
        raise ValueError
    path, style, imports = value
    if not isinstance(path, str) or not isinstance(style, bool) or not isinstance(imports, list):
        raise ValueError
    refs = []
    for item in imports:
        if type(item) is not list or len(item) != 4:
            raise ValueError
        name, line, start, end = item
        if type(name) is not str or type(line) is not int or type(start) is not int or type(end) is not int:
            raise ValueError
        refs.append(ImportRef(name, line, start, end))
    return TestModule(path, refs, style)


def _encode(module: TestModule | None) -> list[Any] | None:
    if module is None:
        return None
    return [module.path, module.pytest_style, [[r.name, r.line, r.start, r.end] for r in module.imports]]


def load(snapshot: Snapshot) -> int:
    """Put the cached test modules of this root into the in-process cache; how many were loaded."""
    if snapshot.root in _KNOWN:
        return 0
    _KNOWN[snapshot.root] = {}
    path = _file(snapshot.root)
    try:
        if not stat.S_ISDIR(os.lstat(_folder(snapshot.root)).st_mode):
            return 0  # a link or a file: not ours to read through
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return 0
            data = json.loads(handle.read(_MAX_BYTES + 1))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return 0
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != _KEY:
        return 0
    entries = data.get("modules")
    if not isinstance(entries, dict):
        return 0
    known = _KNOWN[snapshot.root]
    for rel, entry in entries.items():
        try:
            if not (isinstance(entry, list) and len(entry) == 3):
                raise ValueError
            mtime, size, value = entry
            if type(mtime) is not int or type(size) is not int:
                raise ValueError
            module = _decode(value)
        except ValueError:
            continue
        if module is not None and module.path != rel:
            continue
        TEST_MODULES.disk.put(snapshot.abspath(rel), (mtime, size), module)
        known[rel] = entry
    return len(known)


def save(snapshot: Snapshot) -> bool:
    """Write the test modules this run read (and only those); False when it could not be written."""
    now = time.time_ns()
    modules: dict[str, list[Any]] = {}
    for rel, stamp in snapshot.stamps().items():
        if stamp is None or rel in snapshot.overlay or now - stamp[0] < _RACY_NS:
            continue
        entry = TEST_MODULES.disk.entries.get(snapshot.abspath(rel))
        if entry is not None and entry[0] == stamp:
            modules[rel] = [stamp[0], stamp[1], _encode(entry[1])]
    if not modules or modules == _KNOWN.get(snapshot.root):
        return True  # nothing to keep, or nothing new
    _KNOWN[snapshot.root] = modules
    return _write(snapshot.root, {"format": FORMAT, "key": _KEY, "modules": modules})


def _write(root: str, data: dict[str, Any]) -> bool:
    folder = _folder(root)
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder)
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
        for name, text in ((".gitignore", "# Created by pyproj-doctor.\n*\n"), ("CACHEDIR.TAG", _TAG)):
            marker = os.path.join(folder, name)
            if not os.path.lexists(marker):
                _atomic(folder, marker, text)
        _atomic(folder, _file(root), json.dumps(data, separators=(",", ":")))
    except OSError:
        return False
    return True


def _atomic(folder: str, target: str, text: str) -> None:
    """Write through a temporary file in the same folder and rename it over ``target``."""
    import secrets  # only when writing: its import (random, hashlib) costs milliseconds per run

    temporary = os.path.join(folder, f".tmp-{os.getpid()}-{secrets.token_hex(6)}")
    # O_EXCL: never through a link planted under that name; 0o666 less the umask, like any new file.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
