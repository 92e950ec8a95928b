"""Printers for the CLI: text, JSON, SARIF 2.1.0 and GitHub workflow annotations.

File names and configured values come from the checked project, so none of
them may reach a terminal or a CI log raw: a newline could start a GitHub
workflow command, an escape sequence could rewrite the screen. Text output
escapes them (:func:`clean`), JSON and SARIF escape them as JSON does (and
further, see :func:`_dump`), GitHub annotations use the runner's own escapes.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pyproj_doctor import __version__
from pyproj_doctor.findings import Applicability, Finding, Fix, Position, Severity
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


# What must not reach a terminal or a log raw: C0 and C1 controls and DEL (newlines, ANSI
# escapes), line and paragraph separators, the bidirectional controls (they reorder what is
# shown), and lone surrogates (bytes of a file name that were not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]|##\\[")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "##[":  # the runner's older command syntax, recognised anywhere in a line
        return "#\\x23["
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` safe to print on one line: control characters become backslash escapes."""
    return _UNSAFE.sub(_escape, text)


# In a diff, tabs are content and a CR before the line feed is a CRLF file's line end.
_UNSAFE_IN_DIFF = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]|##\\["
)


_LINE = re.compile("[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def lines(text: str) -> list[str]:
    """``text`` split after each LF, CRLF or CR only (str.splitlines also splits at VT, FF, ...)."""
    return _LINE.findall(text)


def clean_diff(diff: str) -> str:
    """A unified diff safe to print: each line's content escaped as :func:`clean` does."""
    out = []
    for line in lines(diff):
        body = line.rstrip("\r\n")
        end = line[len(body) :]
        if end == "\r":  # a CR-only file: show the CR, end the printed line
            end = "\\r\n"
        out.append(_UNSAFE_IN_DIFF.sub(_escape, body) + end)
    return "".join(out)


def raw_path(root_label: str, path: str) -> str:
    """A finding's path as the user typed the root (``.`` stays implicit), unescaped."""
    if root_label in ("", "."):
        return path
    return f"{root_label.rstrip('/')}/{path}"


def display_path(root_label: str, path: str) -> str:
    """:func:`raw_path`, safe to start a line of text with."""
    shown = clean(raw_path(root_label, path))
    # GitHub's runner takes a line that starts with "::" (after blanks) as a workflow command.
    return f"./{shown}" if shown.lstrip().startswith("::") else shown


def text_line(root_label: str, item: Finding, colour: bool, unsafe: bool = False) -> str:
    """``path:line:col: CODE severity [*] message``: ruff's concise line, with the severity."""
    start = item.range.start
    location = f"{display_path(root_label, item.path)}:{start.line + 1}:{start.character + 1}:"
    code, severity = item.code, item.severity.label
    marker = "[*] " if item.fix is not None and item.fix.allowed(unsafe) else ""
    if colour:
        location = f"{_BOLD}{location}{_RESET}"
        code = f"{_COLOURS[item.severity]}{code}{_RESET}"
        severity = f"{_COLOURS[item.severity]}{severity}{_RESET}"
    return f"{location} {code} {severity} {marker}{clean(item.message)}"


def detail_lines(root_label: str, item: Finding) -> list[str]:
    """What the finding's line leaves out, indented under it: the related locations, what the
    fix does (or why the rule's fix cannot be made here)."""
    lines = [
        f"    {display_path(root_label, r.path)}:{r.range.start.line + 1}:{r.range.start.character + 1}: "
        f"{clean(r.message)}"
        for r in item.related
    ]
    if item.fix is not None:
        unsafe = " (unsafe)" if item.fix.applicability is Applicability.UNSAFE else ""
        lines.append(f"    fix{unsafe}: {clean(item.fix.description)}")
    elif item.fix_unavailable:
        lines.append(f"    no automatic fix here: {clean(item.fix_unavailable)}")
    # Chosen by a person (an editor's code action), never applied by `--fix`.
    lines.extend(f"    or, by hand (unsafe): {clean(a.description)}" for a in item.alternatives)
    return lines


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
        "fixUnavailable": item.fix_unavailable,  # why there is no fix here although the rule has one
        # Other fixes to choose instead of `fix`; `check --fix` never applies them.
        "alternatives": [fix_to_json(a) for a in item.alternatives],
        # ``site``: the related location is a place of the problem itself (editors show it as a diagnostic).
        "related": [
            {"path": r.path, "range": r.range.to_json(), "message": r.message, "site": r.site}
            for r in item.related
        ],
    }
    if root_label is not None:
        data["root"] = root_label
    return data


def to_json(results: Sequence[tuple[str, Sequence[Finding]]], diff: str | None = None) -> str:
    """The findings as a JSON list; with ``diff`` (``check --diff``) an object that also holds it."""
    multiple = len(results) > 1
    items = [finding_to_json(f, label if multiple else None) for label, findings in results for f in findings]
    return _dump(items if diff is None else {"findings": items, "diff": diff})


# Left raw by json.dumps(ensure_ascii=False) yet unsafe on a terminal or in a CI log (see
# _UNSAFE), and "##[" (the runner's older command syntax, recognised anywhere in a line).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]|##\\[")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return "#\\u0023[" if char == "##[" else f"\\u{ord(char):04x}"


def _dump(data: object) -> str:
    # The characters replaced only occur inside strings, where \uXXXX means the same thing.
    return _JSON_UNSAFE.sub(_json_escape, json.dumps(data, indent=2, ensure_ascii=False))


_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}


SRCROOT = "%SRCROOT%"


def sarif_uri(root_label: str, path: str, base: str | None = None) -> tuple[str, str | None]:
    """``(uri, uriBaseId)`` of a finding's file: a percent-encoded URI reference relative to
    ``base`` (the current folder, published as ``%SRCROOT%``), whatever form the root was given in."""
    base = base if base is not None else os.getcwd()
    full = os.path.join(os.path.abspath(root_label), *path.split("/"))
    try:
        relative = os.path.relpath(full, base)
        if relative.startswith(os.pardir):  # maybe only a symlink apart (/tmp and /private/tmp)
            resolved = os.path.relpath(os.path.realpath(full), os.path.realpath(base))
            if not resolved.startswith(os.pardir):
                relative = resolved
    except ValueError:  # another drive on Windows: no relative form exists
        return Path(full).as_uri(), None
    # Undecodable bytes of a file name go back to the bytes; every byte but unreserved ones and
    # "/" is escaped, so ":" cannot read as a scheme nor "#"/"?" end the path.
    return urllib.parse.quote(os.fsencode(relative.replace(os.sep, "/")), safe="/"), SRCROOT


def _artifact(root_label: str, path: str) -> dict[str, str]:
    uri, base_id = sarif_uri(root_label, path)
    return {"uri": uri, "uriBaseId": base_id} if base_id else {"uri": uri}


def _region(start: Position, end: Position) -> dict[str, int]:
    # SARIF columns are 1-based and endColumn is exclusive, as LSP's end character.
    return {
        "startLine": start.line + 1,
        "startColumn": start.character + 1,
        "endLine": end.line + 1,
        "endColumn": end.character + 1,
    }


def to_sarif(results: Sequence[tuple[str, Sequence[Finding]]], diff: str | None = None) -> str:
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.explanation},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            # The explanations quote code reStructuredText-style (``x``): Markdown wants `x`.
            "help": {"text": rule.explanation, "markdown": rule.explanation.replace("``", "`")},
        }
        for rule in RULES
    ]
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    sarif_results = []
    for label, findings in results:
        for item in findings:
            result: dict[str, Any] = {
                "ruleId": item.code,
                "ruleIndex": index[item.code],
                "level": _SARIF_LEVEL[item.severity],
                "message": {"text": item.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact(label, item.path),
                            "region": _region(item.range.start, item.range.end),
                        }
                    }
                ],
            }
            properties: dict[str, Any] = {}
            if item.fix is not None:
                properties["fix"] = {
                    "description": item.fix.description,
                    "applicability": item.fix.applicability.value,
                }
            if item.fix_unavailable:
                properties["fixUnavailable"] = item.fix_unavailable
            if item.alternatives:
                properties["alternatives"] = [
                    {"description": a.description, "applicability": a.applicability.value}
                    for a in item.alternatives
                ]
            if properties:
                result["properties"] = properties
            if item.related:
                result["relatedLocations"] = [
                    {
                        "id": n,
                        "message": {"text": r.message},
                        "physicalLocation": {
                            "artifactLocation": _artifact(label, r.path),
                            "region": _region(r.range.start, r.range.end),
                        },
                        "properties": {"site": r.site},
                    }
                    for n, r in enumerate(item.related)
                ]
            sarif_results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "pyproj-doctor",
                "version": __version__,
                "informationUri": INFO_URI,
                "rules": rules,
            }
        },
        # Where %SRCROOT% is when this log was made; code scanning uses its own checkout instead.
        "originalUriBaseIds": {SRCROOT: {"uri": Path(os.getcwd()).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    if diff is not None:
        run["properties"] = {"diff": diff}
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return _dump(log)


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
        # The real name, in the runner's escapes, so the annotation lands on the file (bytes
        # that are not UTF-8 cannot be said in a log line: they are shown as \\xNN instead).
        f"file={_escape_property(_SURROGATE.sub(_escape, raw_path(root_label, item.path)))}",
        f"line={start.line + 1}",
        f"col={start.character + 1}",
        f"endLine={end.line + 1}",
    ]
    if start.line == end.line:
        props.append(f"endColumn={end.character + 1}")
    props.append(f"title={_escape_property(item.code + ' ' + BY_CODE[item.code].name)}")
    # One annotation per finding: its related locations and its fix go on lines of the message.
    lines = [clean(item.message), *(line.strip() for line in detail_lines(root_label, item))]
    return f"::{_GITHUB_COMMAND[item.severity]} {','.join(props)}::{_escape_data(chr(10).join(lines))}"
