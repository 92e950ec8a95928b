"""The rule catalog: every rule, in code order, listed once here."""

from __future__ import annotations

from pyproj_doctor.rules import (
    drift,
    environment,
    extensions,
    langservers,
    layout,
    pytest,
    python_version,
    syntax,
    vscode,
    workspace_setup,
)
from pyproj_doctor.rules.base import Context, Rule, Settings

RULES: tuple[Rule, ...] = (
    layout.PD101,
    layout.PD102,
    pytest.PD201,
    pytest.PD202,
    pytest.PD203,
    pytest.PD204,
    pytest.PD205,
    pytest.PD206,
    workspace_setup.PD207,
    vscode.PD301,
    vscode.PD302,
    vscode.PD303,
    vscode.PD304,
    vscode.PD305,
    vscode.PD306,
    vscode.PD307,
    workspace_setup.PD308,
    extensions.PD401,
    extensions.PD402,
    extensions.PD403,
    langservers.PD404,
    python_version.PD501,
    environment.PD502,
    drift.PD601,
    drift.PD602,
    drift.PD603,
    drift.PD604,
    syntax.PD901,
    syntax.PD902,
)
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
PARSE_ERRORS = (syntax.PD901.code, syntax.PD902.code)  # a file with one of these gets nothing else


def known(code: str) -> bool:
    """Whether ``code`` is a rule code or a prefix of some (``PD2``), as --select takes."""
    return code.startswith("PD") and any(r.code.startswith(code) for r in RULES)


__all__ = ["BY_CODE", "PARSE_ERRORS", "RULES", "Context", "Rule", "Settings", "known"]
