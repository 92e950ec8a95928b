"""The editor's ``pyprojDoctor.*`` settings, read into engine options.

Unknown or malformed values are reported through ``warn`` and skipped: a typo in a
setting must not stop the server from checking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyproj_doctor import engine
from pyproj_doctor.findings import Severity
from pyproj_doctor.rules import BY_CODE, known
from pyproj_doctor.workspace.extra_globs import not_a_version, parse_version

SECTION = "pyprojDoctor"
PYLANCE_VERSION = "pylanceVersion"
# What the client reports of the Test Explorer's project mode (see workspace/test_projects.py):
# the effective `python.useEnvironmentsExtension` and whether the Python Environments extension
# is installed.
USE_ENVIRONMENTS_EXTENSION = "useEnvironmentsExtension"
ENVIRONMENTS_EXTENSION = "environmentsExtension"

Warn = Callable[[str], None]


def _options(**chosen: Any) -> engine.Options:
    # The cache of test-module imports the command line keeps (``.pyproj-doctor_cache``) serves
    # the first check too, unless the project turns it off; the server never writes it.
    return engine.Options(cache=True, **chosen)


@dataclass
class FolderSettings:
    enabled: bool = True
    options: engine.Options = field(default_factory=_options)


def _ignore(message: str) -> None:
    del message


def parse(value: Any, warn: Warn = _ignore) -> FolderSettings:
    """``pyprojDoctor.*`` of one folder (the client's JSON value) as settings."""
    if not isinstance(value, dict):
        return FolderSettings()

    def codes(key: str) -> tuple[str, ...]:
        raw = value.get(key) or []
        if not isinstance(raw, list):
            warn(f"{SECTION}.{key}: expected a list of rule codes")
            return ()
        good = []
        for item in raw:
            code = str(item).strip().upper()
            if known(code):
                good.append(code)
            else:
                warn(f"{SECTION}.{key}: unknown rule or prefix {code!r}")
        return tuple(good)

    overrides: dict[str, Severity] = {}
    raw_overrides = value.get("severityOverrides") or {}
    if isinstance(raw_overrides, dict):
        for code, name in raw_overrides.items():
            if code not in BY_CODE:
                warn(f"{SECTION}.severityOverrides: unknown rule {code!r}")
                continue
            try:
                overrides[code] = Severity.parse(str(name))
            except ValueError:
                warn(f"{SECTION}.severityOverrides.{code}: {name!r} is not a severity")
    extra = value.get("extraRecommendations") or []
    options = _options(
        select=codes("select"),
        ignore=codes("ignore"),
        extra_recommendations=tuple(str(e) for e in extra) if isinstance(extra, list) else (),
        severity_overrides=overrides,
        pylance_version=pylance_version(value, warn),
        test_explorer_projects=test_explorer_projects(value, warn),
    )
    return FolderSettings(value.get("enable", True) is not False, options)


def reports_projects(value: Any) -> bool:
    """Whether a value the client sent says anything of the Test Explorer's project mode."""
    keys = (USE_ENVIRONMENTS_EXTENSION, ENVIRONMENTS_EXTENSION)
    return isinstance(value, dict) and any(key in value for key in keys)


def test_explorer_projects(value: Any, warn: Warn = _ignore) -> bool | None:
    """Whether the Test Explorer runs each project on its own, from what the client reports: both the
    effective ``useEnvironmentsExtension`` and ``environmentsExtension`` (installed) must be true.
    None when it reports neither (another editor) or a value that is not a boolean."""
    if not reports_projects(value):
        return None
    known: list[bool] = []
    for key in (USE_ENVIRONMENTS_EXTENSION, ENVIRONMENTS_EXTENSION):
        raw = value.get(key)
        if isinstance(raw, bool):
            known.append(raw)
        elif raw is not None:
            warn(f"{key}: expected true or false, not {raw!r}")
    if False in known:
        return False  # either one off turns the mode off
    return True if len(known) == 2 else None


def pylance_version(value: Any, warn: Warn = _ignore) -> str | None:
    """The installed Pylance's version the client reports (``pylanceVersion``, in the
    initialization options and the ``pyprojDoctor`` section it answers), or None."""
    raw = value.get(PYLANCE_VERSION) if isinstance(value, dict) else None
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or parse_version(raw) is None:
        warn(f"{PYLANCE_VERSION}: {not_a_version(raw)}")
        return None
    return raw.strip()
