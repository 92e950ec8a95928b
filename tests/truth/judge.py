"""How findings are held against what the real tools did."""

from __future__ import annotations

from typing import Any

from tests.truth.harness import SEVERE, Verdict
from tests.truth.tools import DESELECTED_ERROR, TRACER_ERROR

# Which real tool can confirm a finding of each code (a failure of that tool is the evidence).
PYTEST = {"PD201", "PD202", "PD203", "PD204", "PD205"}
EXPLORER = {"PD304", "PD305"}
PYRIGHT = {"PD301", "PD302", "PD303"}
ANY = {"PD101", "PD102", "PD901", "PD902"}
DEBUG = {"PD601"}  # the Test Explorer's debug run, probed for coverage's tracer (tools.debug_probe)
SELECTS = {"PD604"}  # the same run, probed for options that deselect every test


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
    return False  # no real tool run here can fail because of it (extensions, interpreter, declarations)


def unconfirmed(findings: list[dict[str, Any]], verdict: Verdict) -> list[str]:
    return [describe(f) for f in findings if f["severity"] in SEVERE and not confirmed(f, verdict)]


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
    if verdict.pyright and not codes & (PYRIGHT | ANY):
        missing.append(f"pyright cannot resolve {sorted(verdict.pyright)} and no PD1xx/PD30x finding says so")
    return missing


def traced(verdict: Verdict) -> bool:
    return any(TRACER_ERROR in r.errors for r in verdict.pytest if r.label == "test explorer (debug)")


def deselected(verdict: Verdict) -> bool:
    return any(DESELECTED_ERROR in r.errors for r in verdict.pytest if r.label == "test explorer (debug)")


def describe(finding: dict[str, Any]) -> str:
    return f"{finding['code']} {finding['severity']} {finding.get('path', '')}: {finding['message']}"
