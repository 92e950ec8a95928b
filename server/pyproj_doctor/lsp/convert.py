"""Translation between the engine's plain data and LSP types. Nothing is decided here.

The engine counts columns in code points; LSP clients count UTF-16 code units
unless another position encoding was negotiated, so every range is converted
with the text of its own file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from lsprotocol import types as lsp
from pygls.uris import from_fs_path

from pyproj_doctor.findings import Finding, Position, Range, Related, Severity, TextEdit
from pyproj_doctor.text import LineIndex

SOURCE = "pyproj-doctor"
SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFORMATION: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}

TextOf = Callable[[str], "str | None"]


def uri_of(root: str, rel: str) -> str:
    path = os.path.join(root, *rel.split("/"))
    if any("\udc80" <= ch <= "\udcff" for ch in path):
        # A file name that is not UTF-8 (surrogate escapes): percent-encode its raw bytes,
        # as VS Code does, instead of failing to encode the whole publication.
        from urllib.parse import quote

        return "file://" + quote(os.fsencode(path), safe="/")
    uri = from_fs_path(path)
    assert uri is not None
    return str(uri)


class Positions:
    """Converts engine positions of one file to the client's encoding."""

    def __init__(self, text: str | None, encoding: str) -> None:
        self.lines = (text or "").split("\n")
        self.index = LineIndex(text or "")
        self.encoding = encoding

    def _units(self, line: int, character: int) -> int:
        if self.encoding == lsp.PositionEncodingKind.Utf32 or line >= len(self.lines):
            return character
        prefix = self.lines[line][:character]
        if self.encoding == lsp.PositionEncodingKind.Utf8:
            return len(prefix.encode("utf-8", "surrogatepass"))
        return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)

    def position(self, position: Position) -> lsp.Position:
        return lsp.Position(line=position.line, character=self._units(position.line, position.character))

    def range(self, range_: Range) -> lsp.Range:
        return lsp.Range(start=self.position(range_.start), end=self.position(range_.end))

    def offsets(self, start: int, end: int) -> lsp.Range:
        return self.range(self.index.range(start, end))

    def to_engine(self, position: lsp.Position) -> Position:
        """A client position back to code points (for ranges the client sends)."""
        line = position.line
        if line >= len(self.lines) or self.encoding == lsp.PositionEncodingKind.Utf32:
            return Position(line, position.character)
        text = self.lines[line]
        units = 0
        for index, ch in enumerate(text):
            if units >= position.character:
                return Position(line, index)
            if self.encoding == lsp.PositionEncodingKind.Utf8:
                units += len(ch.encode("utf-8", "surrogatepass"))
            else:
                units += 2 if ord(ch) > 0xFFFF else 1
        return Position(line, len(text))


def sites(finding: Finding) -> tuple[Related, ...]:
    """Related locations that are places of the problem themselves, shown as diagnostics too."""
    return tuple(r for r in finding.related if r.site)


def disabled_actions(capabilities: lsp.ClientCapabilities) -> bool:
    """Whether the client shows a disabled code action with its reason (LSP 3.16)."""
    text = capabilities.text_document
    actions = text.code_action if text is not None else None
    return bool(actions and actions.code_action_literal_support and actions.disabled_support)


def diagnostic_message(finding: Finding, disabled_actions: bool) -> str:
    """The message, plus why there is no fix here when no disabled code action can say it."""
    if finding.fix is None and finding.fix_unavailable and not disabled_actions:
        return f"{finding.message}\nNo automatic fix here: {finding.fix_unavailable}"
    return finding.message


# A finding's diagnostics as last translated: the texts of the files they were placed in, and
# (URI, diagnostic) pairs. By (finding, encoding, disabled_actions).
Translated = dict[
    tuple[Finding, str, bool], tuple[tuple["str | None", ...], list[tuple[str, lsp.Diagnostic]]]
]


def diagnostics(
    root: str,
    findings: Sequence[Finding],
    text_of: TextOf,
    encoding: str,
    disabled_actions: bool = True,
    kept: Translated | None = None,
) -> dict[str, list[lsp.Diagnostic]]:
    """Diagnostics per URI: one per finding, and one per related location that is a site.

    Why a fix could not be built is in ``data.fixUnavailable``; a client that cannot show a
    disabled code action with that reason (``disabled_actions`` false) gets it in the message.
    ``kept`` holds the translations of an earlier call: a finding found again whose files hold
    the same texts keeps its diagnostics (a keystroke changes few findings); on return it holds
    this call's.
    """
    if kept is None:
        return _translate(root, findings, text_of, encoding, disabled_actions)
    earlier = dict(kept)
    kept.clear()
    out: dict[str, list[lsp.Diagnostic]] = {}
    for item in findings:
        key = (item, encoding, disabled_actions)
        texts = tuple(text_of(path) for path in (item.path, *(r.path for r in item.related)))
        entry = earlier.get(key)
        if entry is None or entry[0] != texts:
            made = _translate(root, [item], text_of, encoding, disabled_actions)
            entry = (texts, [(uri, d) for uri, items in made.items() for d in items])
        kept[key] = entry
        for uri, diagnostic in entry[1]:
            out.setdefault(uri, []).append(diagnostic)
    return out


def _translate(
    root: str, findings: Sequence[Finding], text_of: TextOf, encoding: str, disabled_actions: bool
) -> dict[str, list[lsp.Diagnostic]]:
    converters: dict[str, Positions] = {}
    uris: dict[str, str] = {}

    def conv(rel: str) -> Positions:
        if rel not in converters:
            converters[rel] = Positions(text_of(rel), encoding)
        return converters[rel]

    def uri(rel: str) -> str:
        if rel not in uris:
            uris[rel] = uri_of(root, rel)
        return uris[rel]

    out: dict[str, list[lsp.Diagnostic]] = {}
    for item in findings:
        here = conv(item.path).range(item.range)
        message = diagnostic_message(item, disabled_actions)
        data: dict[str, object] = {"fixable": item.fix is not None}
        if item.fix is None and item.fix_unavailable:
            data["fixUnavailable"] = item.fix_unavailable
        related = [
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(uri=uri(r.path), range=conv(r.path).range(r.range)), message=r.message
            )
            for r in item.related
        ]
        out.setdefault(uri(item.path), []).append(
            lsp.Diagnostic(
                range=here,
                message=message,
                severity=SEVERITY[item.severity],
                code=item.code,
                source=SOURCE,
                related_information=related or None,
                data=data,
            )
        )
        echoes = sites(item)
        if not echoes:
            continue
        origin = lsp.DiagnosticRelatedInformation(
            location=lsp.Location(uri=uri(item.path), range=here), message=f"{item.code} is reported here"
        )
        for r in echoes:
            out.setdefault(uri(r.path), []).append(
                lsp.Diagnostic(
                    range=conv(r.path).range(r.range),
                    message=f"{r.message}: {message}",
                    severity=SEVERITY[item.severity],
                    code=item.code,
                    source=SOURCE,
                    related_information=[origin],
                    data={**data, "echo": True},
                )
            )
    return out


def text_edit(
    positions: Positions, edit: TextEdit, annotation: str | None
) -> lsp.TextEdit | lsp.AnnotatedTextEdit:
    range_ = positions.offsets(edit.start, edit.end)
    if annotation is not None:
        return lsp.AnnotatedTextEdit(range=range_, new_text=edit.new_text, annotation_id=annotation)
    return lsp.TextEdit(range=range_, new_text=edit.new_text)
