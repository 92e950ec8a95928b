"""Printers for the CLI: text, JSON, SARIF 2.1.0 and GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pyproj_doctor import __version__
from pyproj_doctor.findings import Finding, Fix, Severity
from pyproj_doctor.rules import BY_CODE, RULES

INFO_URI = "https://github.com/pyproj-doctor/pyproj-doctor"
_COLOURS = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFORMATION: "\x1b[1;34m",
    Severity.HINT: "\x1b[2m",
}
_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"


def display_path(root_label: str, path: str) -> str:
    """A finding's path as the user typed the root (``.`` stays implicit)."""
    if root_label in ("", "."):
        return path
    return f"{root_label.rstrip('/')}/{path}"


def text_line(root_label: str, item: Finding, colour: bool, unsafe: bool = False) -> str:
    start = item.range.start
    location = f"{display_path(root_label, item.path)}:{start.line + 1}:{start.character + 1}:"
    code = item.code
    marker = " [*]" if item.fix is not None and item.fix.allowed(unsafe) else ""
    if colour:
        location = f"{_BOLD}{location}{_RESET}"
        code = f"{_COLOURS[item.severity]}{code}{_RESET}"
    return f"{location} {code} {item.message}{marker}"


def summary(findings: Sequence[Finding], colour: bool, unsafe: bool = False) -> str:
    if not findings:
        text = "All checks passed."
        return f"\x1b[1;32m{text}{_RESET}" if colour else text
    counts: dict[Severity, int] = {}
    for item in findings:
        counts[item.severity] = counts.get(item.severity, 0) + 1
    parts = [
        f"{counts[s]} {s.label}{'s' if counts[s] != 1 and s != Severity.INFORMATION else ''}"
        for s in sorted(counts, reverse=True)
    ]
    fixable = sum(1 for f in findings if f.fix is not None and f.fix.allowed(unsafe))
    hidden = sum(1 for f in findings if f.fix is not None and not f.fix.allowed(unsafe))
    noun = "finding" if len(findings) == 1 else "findings"
    text = f"Found {len(findings)} {noun} ({', '.join(parts)})."
    flag = " --unsafe-fixes" if unsafe else ""
    if fixable:
        text += f" {fixable} fixable with `pyproj-doctor check --fix{flag}` (marked [*])."
    if hidden:
        text += f" {hidden} more with `--fix --unsafe-fixes` (unsafe: review them)."
    return text


def fix_to_json(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "description": fix.description,
        "applicability": fix.applicability.value,
        "changes": [
            {
                "path": change.path,
                "create": change.create,
                "edits": [{"start": e.start, "end": e.end, "newText": e.new_text} for e in change.edits],
            }
            for change in fix.changes
        ],
    }


def finding_to_json(item: Finding, root_label: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": item.code,
        "severity": item.severity.label,
        "message": item.message,
        "path": item.path,
        "range": item.range.to_json(),
        "fix": fix_to_json(item.fix),
    }
    if root_label is not None:
        data["root"] = root_label
    if item.related:
        data["related"] = [
            {"path": r.path, "range": r.range.to_json(), "message": r.message} for r in item.related
        ]
    return data


def to_json(results: Sequence[tuple[str, Sequence[Finding]]]) -> str:
    multiple = len(results) > 1
    items = [finding_to_json(f, label if multiple else None) for label, findings in results for f in findings]
    return json.dumps(items, indent=2, ensure_ascii=False)


_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}


def to_sarif(results: Sequence[tuple[str, Sequence[Finding]]]) -> str:
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.explanation},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "help": {"text": rule.explanation},
        }
        for rule in RULES
    ]
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    sarif_results = []
    for label, findings in results:
        for item in findings:
            start, end = item.range.start, item.range.end
            result: dict[str, Any] = {
                "ruleId": item.code,
                "ruleIndex": index[item.code],
                "level": _SARIF_LEVEL[item.severity],
                "message": {"text": item.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": display_path(label, item.path),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": {
                                "startLine": start.line + 1,
                                "startColumn": start.character + 1,
                                "endLine": end.line + 1,
                                "endColumn": end.character + 1,
                            },
                        }
                    }
                ],
            }
            if item.related:
                result["relatedLocations"] = [
                    {
                        "id": n,
                        "message": {"text": r.message},
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": display_path(label, r.path),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": {
                                "startLine": r.range.start.line + 1,
                                "startColumn": r.range.start.character + 1,
                            },
                        },
                    }
                    for n, r in enumerate(item.related)
                ]
            sarif_results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pyproj-doctor",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_COMMAND = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "notice",
    Severity.HINT: "notice",
}


def github_line(root_label: str, item: Finding) -> str:
    start, end = item.range.start, item.range.end
    props = [
        f"file={_escape_property(display_path(root_label, item.path))}",
        f"line={start.line + 1}",
        f"col={start.character + 1}",
        f"endLine={end.line + 1}",
    ]
    if start.line == end.line:
        props.append(f"endColumn={end.character + 1}")
    props.append(f"title={_escape_property(item.code + ' ' + BY_CODE[item.code].name)}")
    return f"::{_GITHUB_COMMAND[item.severity]} {','.join(props)}::{_escape_data(item.message)}"
