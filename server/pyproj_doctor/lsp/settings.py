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

SECTION = "pyprojDoctor"

Warn = Callable[[str], None]


def _options(**chosen: Any) -> engine.Options:
    # The cache of test-module imports the command line keeps (``.pyproj-doctor_cache``) serves
    # the first check too, unless the project turns it off; the server keeps it current after
    # publishing (see Session._keep_cache).
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
    )
    return FolderSettings(value.get("enable", True) is not False, options)
