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
    )
    return FolderSettings(value.get("enable", True) is not False, options)


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
