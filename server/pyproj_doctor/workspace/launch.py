"""The debug configurations and the ``.env`` file the Python extension reads for a folder.

Debugging a test from the Test Explorer uses the first configuration of
``.vscode/launch.json`` (or, when that file does not exist, the ``launch`` setting)
that has a name, ``"type": "debugpy"`` or ``"python"``, and ``"request": "test"`` or
``"purpose": ["debug-test"]``; without one, a built-in default (no ``env``). Its
``env`` and ``envFile`` (default ``python.envFile``) apply to debug runs only; its
``args`` are replaced by the test's arguments. A ``launch.json`` without
``version`` or ``configurations`` is refused as a whole. (vscode-python
``src/client/testing/common/debugLauncher.ts`` ``readDebugConfig``/``applyDefaults`` and
``src/client/debugger/extension/configuration/launch.json/launchJsonReader.ts``.)
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from typing import Any

from pyproj_doctor.formats import jsonc
from pyproj_doctor.text import Word
from pyproj_doctor.workspace.paths import join
from pyproj_doctor.workspace.vscode import VsCodeFolder
from pyproj_doctor.workspace.workspace import Workspace

DEBUG_TYPES = ("debugpy", "python")
DEBUG_TEST = "debug-test"
ENV_FILE = "python.envFile"


@dataclass(frozen=True)
class LaunchConfig:
    path: str  # the file holding it
    json_path: tuple[str | int, ...]  # where the configuration object is in that file
    node: jsonc.Node
    value: dict[str, Any]

    @property
    def is_python(self) -> bool:
        return bool(self.value.get("name")) and self.value.get("type") in DEBUG_TYPES

    @property
    def debugs_tests(self) -> bool:
        purpose = self.value.get("purpose")
        return self.is_python and (
            self.value.get("request") == "test" or (isinstance(purpose, list) and DEBUG_TEST in purpose)
        )

    def env_value(self, name: str) -> str | None:
        env = self.value.get("env")
        value = env.get(name) if isinstance(env, dict) else None
        return value if isinstance(value, str) else None

    def env_node(self, name: str) -> jsonc.Node | None:
        """The property ``env.<name>`` (key and value)."""
        env = self.node.get("env")
        if env is None or env.type != "object":
            return None
        return env.property(name)


@dataclass(frozen=True)
class Launch:
    """Where a folder's debug configurations come from, and what they are."""

    path: str  # launch.json, or the settings file with a `launch` setting
    prefix: tuple[str | int, ...]  # the path of the `configurations` array in that file
    configs: list[LaunchConfig]
    refused: str | None = None  # why the Python extension ignores launch.json (then no configuration)

    def debug_test(self) -> LaunchConfig | None:
        return next((c for c in self.configs if c.debugs_tests), None)


def launch_path(folder: VsCodeFolder) -> str:
    return join(folder.dir, ".vscode/launch.json")


def read_launch(ws: Workspace, folder: VsCodeFolder) -> Launch:
    rel = launch_path(folder)
    if ws.snapshot.is_file(rel):
        doc = ws.settings_doc(rel)
        value = doc.value() if doc is not None else None
        if doc is None or not isinstance(value, dict):
            return Launch(rel, ("configurations",), [], f"{rel} is not a JSON object")
        if not isinstance(value.get("configurations"), list):
            return Launch(rel, ("configurations",), [], f"{rel} has no `configurations` list")
        if not value.get("version"):
            return Launch(rel, ("configurations",), [], f"{rel} has no `version`")
        return Launch(
            rel, ("configurations",), _configs(rel, doc.find(("configurations",)), ("configurations",))
        )
    ref = ws.setting(folder, "launch")
    if ref is not None and ref.prop.value_node is not None and ref.prop.value_node.type == "object":
        prefix: tuple[str | int, ...] = (
            ("launch", "configurations")
            if ref.path.endswith("settings.json")
            else ("settings", "launch", "configurations")
        )
        return Launch(ref.path, prefix, _configs(ref.path, ref.prop.value_node.get("configurations"), prefix))
    return Launch(rel, ("configurations",), [])


def _configs(path: str, array: jsonc.Node | None, prefix: tuple[str | int, ...]) -> list[LaunchConfig]:
    if array is None or array.type != "array":
        return []
    out = []
    for index, node in enumerate(array.children):
        value = node.to_value()
        if node.type == "object" and isinstance(value, dict):
            out.append(LaunchConfig(path, (*prefix, index), node, value))
    return out


def option_words(text: str) -> list[str]:
    """The words of an options string as pytest splits ``PYTEST_ADDOPTS`` (``shlex``)."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


# ------------------------------------------------------------------------------------ .env
@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str
    start: int  # the value's span in the file (without quotes)
    end: int


def env_file(ws: Workspace, folder: VsCodeFolder) -> str | None:
    """The folder's ``python.envFile`` (default ``.env``), workspace-relative; None when it cannot
    be placed in the workspace (another variable, an absolute path)."""
    ref = ws.setting(folder, ENV_FILE)
    if ref is None or not isinstance(ref.value, str):
        return join(folder.dir, ".env")
    value = ref.value.replace("${workspaceFolder}/", "").replace("${workspaceFolder}", ".")
    if "${" in value or os.path.isabs(value):
        return None
    clean = os.path.normpath(join(folder.dir, value)).replace(os.sep, "/")
    return None if clean.startswith("..") else clean


def read_env(ws: Workspace, rel: str) -> list[EnvVar]:
    """``NAME=value`` lines (``export`` allowed, quotes stripped, ``#`` lines skipped)."""
    text = ws.snapshot.text(rel) if ws.snapshot.is_file(rel) else None
    out: list[EnvVar] = []
    offset = 0
    for line in (text or "").splitlines(keepends=True):
        start = offset
        offset += len(line)
        body = line.rstrip("\r\n")
        stripped = body.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("export "):
            stripped = stripped[len("export ") :].lstrip()
        name, sep, rest = stripped.partition("=")
        if not sep:
            continue
        at = start + len(body) - len(rest)  # where the value starts in the file
        value = rest.strip()
        at += len(rest) - len(rest.lstrip())
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value, at = value[1:-1], at + 1
        out.append(EnvVar(name.strip(), value, at, at + len(value)))
    return out


def env_words(var: EnvVar) -> list[Word]:
    """The entries of a path list value, each with its span in the file: split on ``;`` when the
    value has one (written for Windows, where ``C:`` holds a colon), else on ``:``."""
    separator = ";" if ";" in var.value else ":"
    words: list[Word] = []
    cursor = 0
    for index, char in enumerate(var.value + separator):
        if char == separator:
            item = var.value[cursor:index]
            if item.strip():
                lead = len(item) - len(item.lstrip())
                words.append(
                    Word(
                        item.strip(), var.start + cursor + lead, var.start + cursor + lead + len(item.strip())
                    )
                )
            cursor = index + 1
    return words
