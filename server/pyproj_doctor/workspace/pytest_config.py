"""pytest's configuration as pytest itself finds it (``_pytest/config/findpaths.py``).

In each folder, walking up from where pytest starts, the first of these that
holds pytest configuration wins and nothing is merged: ``pytest.toml``,
``.pytest.toml``, ``pytest.ini``, ``.pytest.ini``, ``pyproject.toml`` (only with
``[tool.pytest]`` or ``[tool.pytest.ini_options]``), ``tox.ini`` (``[pytest]``),
``setup.cfg`` (``[tool:pytest]``).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from pyproj_doctor.formats.toml import TomlDocument, TomlValue
from pyproj_doctor.text import Span, Word
from pyproj_doctor.workspace.paths import ROOT, join, parent
from pyproj_doctor.workspace.snapshot import Snapshot

CONFIG_NAMES = (
    "pytest.toml",
    ".pytest.toml",
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
)


@dataclass
class Option:
    name: str
    key_span: Span
    words: list[Word]  # each path/word where it is written
    raw: Any
    native_list: bool = False  # a TOML list (where a new item is appended)


@dataclass
class PytestConfig:
    path: str  # workspace-relative file
    folder: str
    kind: str  # pytest.toml | pytest.ini | tool.pytest | tool.pytest.ini_options | tox.ini | setup.cfg
    span: Span  # the header (or the first key) that introduces the configuration
    table: tuple[str, ...] | None = None  # TOML table path
    section: str | None = None  # INI section name
    options: dict[str, Option] = field(default_factory=dict)

    def get(self, name: str) -> Option | None:
        return self.options.get(name)

    def import_mode(self) -> str | None:
        addopts = self.get("addopts")
        if addopts is None:
            return None
        words = [w.text for w in addopts.words]
        mode = None
        for index, word in enumerate(words):
            if word.startswith("--import-mode="):
                mode = word.split("=", 1)[1]
            elif word == "--import-mode" and index + 1 < len(words):
                mode = words[index + 1]
        return mode


def read_config(
    snapshot: Snapshot, folder: str, name: str, has_file: Callable[[str, str], bool] | None = None
) -> PytestConfig | None:
    """The pytest configuration held by ``folder/name``, if pytest would use it.

    ``has_file`` answers from the walked tree instead of asking the disk. Each answer is
    kept for the snapshot: a root configuration is asked about from every folder below
    it, and reading a long ``pythonpath`` each time made a large workspace quadratic.
    Callers never change the configuration they get.
    """
    key = ("pytest-config", folder, name, has_file is None)
    if key in snapshot.memo:
        snapshot.saw(join(folder, name))
        return cast("PytestConfig | None", snapshot.memo[key])
    config = _read_config(snapshot, folder, name, has_file)
    snapshot.memo[key] = config
    return config


def _read_config(
    snapshot: Snapshot, folder: str, name: str, has_file: Callable[[str, str], bool] | None
) -> PytestConfig | None:
    rel = join(folder, name)
    exists = has_file(folder, name) if has_file is not None else snapshot.is_file(rel)
    if not exists:
        return None
    if name in ("pytest.toml", ".pytest.toml"):
        doc = snapshot.toml(rel)
        if doc is None:
            return PytestConfig(rel, folder, "pytest.toml", (0, 0))
        return _from_toml(doc, rel, folder, "pytest.toml", ("pytest",))
    if name in ("pytest.ini", ".pytest.ini"):
        return _from_ini(snapshot, rel, folder, "pytest.ini", "pytest", required=False)
    if name == "pyproject.toml":
        doc = snapshot.toml(rel)
        if doc is None or not isinstance(doc.get("tool", "pytest"), dict):
            return None
        pytest_table = doc.get("tool", "pytest")
        native_keys = [k for k in pytest_table if k != "ini_options"]
        if native_keys or "ini_options" not in pytest_table:
            return _from_toml(doc, rel, folder, "tool.pytest", ("tool", "pytest"))
        return _from_toml(doc, rel, folder, "tool.pytest.ini_options", ("tool", "pytest", "ini_options"))
    if name == "tox.ini":
        return _from_ini(snapshot, rel, folder, "tox.ini", "pytest", required=True)
    if name == "setup.cfg":
        return _from_ini(snapshot, rel, folder, "setup.cfg", "tool:pytest", required=True)
    return None


def find_config(
    snapshot: Snapshot, start: str, has_file: Callable[[str, str], bool] | None = None
) -> tuple[PytestConfig | None, PytestConfig | None]:
    """The configuration pytest uses when started in ``start``, and a pyproject table it hides.

    The hidden table is a ``[tool.pytest…]`` in a ``pyproject.toml`` of the
    winner's own folder: the classic "my pyproject settings are ignored".
    """
    # Kept per folder for the snapshot: every folder of a large tree asks, and their answers
    # are their parents' until a folder holds a configuration.
    memo = snapshot.memo
    asked: list[tuple[object, ...]] = []
    folder: str | None = start
    found: object = (None, None)
    while folder is not None:
        key: tuple[object, ...] = ("pytest-find-config", folder, has_file is None)
        if key in memo:
            found = memo[key]
            if snapshot.recording:
                _note_walk(snapshot, folder, cast("tuple[PytestConfig | None, PytestConfig | None]", found))
            break
        asked.append(key)
        here = _in_folder(snapshot, folder, has_file)
        if here is not None:
            found = here
            break
        folder = None if folder == ROOT else parent(folder)
    for seen in asked:
        memo[seen] = found
    return cast("tuple[PytestConfig | None, PytestConfig | None]", found)


def _note_walk(
    snapshot: Snapshot, start: str, found: tuple[PytestConfig | None, PytestConfig | None]
) -> None:
    """The files a walk from ``start`` read to find ``found`` (see ``Snapshot.saw``)."""
    stop = found[0].folder if found[0] is not None else None
    folder: str | None = start
    while folder is not None:
        for name in CONFIG_NAMES:
            snapshot.saw(join(folder, name))
        folder = None if folder in (stop, ROOT) else parent(folder)


def _in_folder(
    snapshot: Snapshot, folder: str, has_file: Callable[[str, str], bool] | None
) -> tuple[PytestConfig | None, PytestConfig | None] | None:
    """The configuration held by ``folder`` itself, and the pyproject table it hides."""
    for index, name in enumerate(CONFIG_NAMES):
        config = read_config(snapshot, folder, name, has_file)
        if config is None:
            continue
        shadowed = None
        if name != "pyproject.toml" and "pyproject.toml" in CONFIG_NAMES[index + 1 :]:
            shadowed = read_config(snapshot, folder, "pyproject.toml", has_file)
        return config, shadowed
    return None


def _from_toml(doc: TomlDocument, rel: str, folder: str, kind: str, table: tuple[str, ...]) -> PytestConfig:
    span = doc.span_of(*table) or (0, 0)
    config = PytestConfig(rel, folder, kind, span, table=table)
    values = doc.get(*table)
    if not isinstance(values, dict):
        return config
    for key, raw in values.items():
        entry = doc.entry(*table, key)
        if entry is None:
            continue
        value = entry.value
        words: list[Word] = []
        if isinstance(raw, list) and len(value.items) == len(raw):
            words = [Word(str(v), item.start, item.end) for v, item in zip(raw, value.items)]
        elif isinstance(raw, str):
            words = _string_words(doc.text, value, raw)
        config.options[key] = Option(
            key,
            (entry.key_start, entry.key_end),
            words,
            raw,
            native_list=isinstance(raw, list),
        )
    return config


def _string_words(text: str, value: TomlValue, raw: str) -> list[Word]:
    """Words of an ini-style string value, located inside the TOML string when possible."""
    literal = text[value.start : value.end]
    quote = 3 if literal[:3] in ('"""', "'''") else 1
    inner_start = value.start + quote
    inner = text[inner_start : value.end - quote]
    words: list[Word] = []
    try:
        parts = shlex.split(raw)
    except ValueError:
        parts = raw.split()
    cursor = 0
    for part in parts:
        at = inner.find(part, cursor)
        if at < 0:
            words.append(Word(part, value.start, value.end))
            continue
        words.append(Word(part, inner_start + at, inner_start + at + len(part)))
        cursor = at + len(part)
    return words


def _from_ini(
    snapshot: Snapshot, rel: str, folder: str, kind: str, section_name: str, required: bool
) -> PytestConfig | None:
    doc = snapshot.ini(rel)
    if doc is None:
        return None if required else PytestConfig(rel, folder, kind, (0, 0), section=section_name)
    section = doc.section(section_name)
    if section is None:
        if required:
            return None
        return PytestConfig(rel, folder, kind, (0, 0), section=section_name)
    config = PytestConfig(rel, folder, kind, (section.header_start, section.header_end), section=section_name)
    for entry in section.entries:
        words = entry.words()
        config.options[entry.key] = Option(
            entry.key,
            (entry.key_start, entry.key_end),
            words,
            entry.value,
        )
    return config


def has_glob(word: str) -> bool:
    return bool(re.search(r"[*?\[]", word))
