"""How findings are held against what the real tools did."""

from __future__ import annotations

from typing import Any

from tests.truth.harness import SEVERE, Verdict
from tests.truth.tools import DESELECTED_ERROR, TRACER_ERROR

# Which real tool can confirm a finding of each code (a failure of that tool is the evidence).
PYTEST = {"PD201", "PD202", "PD203", "PD204", "PD205", "PD207"}
EXPLORER = {"PD304", "PD305", "PD603"}  # PD603: the env file's PYTHONPATH reaches that run only
PYRIGHT = {"PD301", "PD302", "PD303"}
ANY = {"PD101", "PD102", "PD901", "PD902"}
DEBUG = {"PD601"}  # the Test Explorer's debug run, probed for coverage's tracer (tools.debug_probe)
SELECTS = {"PD604"}  # the same run, probed for options that deselect every test
TERMINAL = {"PD602"}  # `pytest` typed in a terminal (tools.run_terminal) against the Test Explorer's run
# Information findings held against the tools all the same: each claims a failure a tool shows.
CLAIMS = TERMINAL


def confirmed(finding: dict[str, Any], verdict: Verdict) -> bool:
    code = finding["code"]
    if code in PYTEST:
        return verdict.pytest_failed()
    if code in EXPLORER:
        return verdict.pytest_failed("test explorer")
    if code in PYRIGHT:
        return bool(verdict.pyright)
    if code in ANY:
        return not verdict.green
    if code in DEBUG:
        return traced(verdict)
    if code in SELECTS:
        return deselected(verdict)
    if code in TERMINAL:
        # The terminal's folders do not reach the Test Explorer's run: an import fails there.
        return any(r.missing for r in verdict.pytest if r.label == "test explorer")
    return False  # no real tool run here can fail because of it (extensions, interpreter, declarations)


def unconfirmed(findings: list[dict[str, Any]], verdict: Verdict) -> list[str]:
    return [
        describe(f)
        for f in findings
        if (f["severity"] in SEVERE or f["code"] in CLAIMS) and not confirmed(f, verdict)
    ]


def unreported(findings: list[dict[str, Any]], verdict: Verdict) -> list[str]:
    """Real first-party failures that no finding (of any severity) speaks for."""
    codes = {f["code"] for f in findings}
    missing: list[str] = []
    pytest_codes = PYTEST | ANY | {"PD206"}
    if any(not r.ok for r in verdict.pytest if r.label == "pytest") and not codes & pytest_codes:
        missing.append("plain pytest fails and no PD1xx/PD2xx finding says so")
    if verdict.pytest_failed("test explorer") and not codes & (pytest_codes | EXPLORER):
        missing.append("the Test Explorer run fails and no PD1xx/PD2xx/PD304/PD305 finding says so")
    if traced(verdict) and not codes & DEBUG:
        missing.append("coverage's tracer holds the debugged tests' trace hook and no PD601 finding says so")
    if deselected(verdict) and not codes & SELECTS:
        missing.append("the debug run deselects every test and no PD604 finding says so")
    if terminal_only(verdict) and not codes & TERMINAL:
        names = sorted(terminal_only(verdict))
        missing.append(
            f"`pytest` in a VS Code terminal imports {names}, the Test Explorer cannot, and no PD602"
        )
    if verdict.pyright and not codes & (PYRIGHT | ANY):
        missing.append(f"pyright cannot resolve {sorted(verdict.pyright)} and no PD1xx/PD30x finding says so")
    return missing


def terminal_only(verdict: Verdict) -> set[str]:
    """First-party names `pytest` in a terminal imports and the Test Explorer's run cannot."""
    if verdict.terminal is None or verdict.terminal.errors:
        return set()
    explorer = [r for r in verdict.pytest if r.label == "test explorer"]
    return {name for r in explorer for name in r.missing} - verdict.terminal.missing


def traced(verdict: Verdict) -> bool:
    return any(TRACER_ERROR in r.errors for r in verdict.pytest if r.label == "test explorer (debug)")


def deselected(verdict: Verdict) -> bool:
    return any(DESELECTED_ERROR in r.errors for r in verdict.pytest if r.label == "test explorer (debug)")


def describe(finding: dict[str, Any]) -> str:
    return f"{finding['code']} {finding['severity']} {finding.get('path', '')}: {finding['message']}"
