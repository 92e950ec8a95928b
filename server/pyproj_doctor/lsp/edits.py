"""WorkspaceEdits from the engine's fixes, shaped to what the client can apply.

A file a fix creates is sent as ``CreateFile`` that fails when the file exists by
then: the client then applies nothing, instead of stacking a second copy of the
content before the first. An existing file is edited against the document version
the fix was computed from, so a client that has moved on rejects the edit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lsprotocol import types as lsp

from pyproj_doctor import engine
from pyproj_doctor.findings import Fix, TextEdit
from pyproj_doctor.lsp.convert import Positions, text_edit, uri_of
from pyproj_doctor.workspace.snapshot import Snapshot

ANNOTATION = "pyproj-doctor.configure"


class Unsupported(Exception):
    """The client cannot apply this kind of edit (for example, creating files)."""


@dataclass(frozen=True)
class Planned:
    """Edits to one file, against the text the client has (``before`` None: a new file)."""

    rel: str
    edits: tuple[TextEdit, ...]
    before: str | None


@dataclass(frozen=True)
class EditSupport:
    """What the client said it can apply."""

    document_changes: bool = False
    create: bool = False
    annotations: bool = False

    @classmethod
    def of(cls, capabilities: lsp.ClientCapabilities) -> EditSupport:
        workspace = capabilities.workspace
        caps = workspace.workspace_edit if workspace is not None else None
        if caps is None:
            return cls()
        return cls(
            document_changes=bool(caps.document_changes),
            create=bool(
                caps.resource_operations and lsp.ResourceOperationKind.Create in caps.resource_operations
            ),
            annotations=caps.change_annotation_support is not None,
        )


def for_fix(snapshot: Snapshot, fix: Fix) -> list[Planned]:
    return [
        Planned(change.path, change.edits, None if change.create else snapshot.text(change.path) or "")
        for change in fix.changes
    ]


def for_result(result: engine.FixResult) -> list[Planned]:
    """The changed files of ``fix_all``, each as the edit the engine computed."""
    planned = []
    for changed in result.files:
        change = changed.change
        if change.edits:
            before = changed.before.text if changed.before is not None else None
            planned.append(Planned(change.path, change.edits, before))
    return planned


def workspace_edit(
    root: str,
    planned: Sequence[Planned],
    support: EditSupport,
    encoding: str,
    version_of: Callable[[str], int | None],
    annotated: bool = False,
) -> lsp.WorkspaceEdit:
    """``planned`` as one WorkspaceEdit; ``version_of(uri)`` is the open document's version."""
    annotation = ANNOTATION if annotated and support.annotations else None
    if any(p.before is None for p in planned) and not (support.document_changes and support.create):
        raise Unsupported("this editor cannot create files through the language server")
    if not support.document_changes:
        changes: dict[str, list[lsp.TextEdit]] = {}
        for p in planned:
            positions = Positions(p.before, encoding)
            changes[uri_of(root, p.rel)] = [
                lsp.TextEdit(range=positions.offsets(e.start, e.end), new_text=e.new_text) for e in p.edits
            ]
        return lsp.WorkspaceEdit(changes=changes)
    items: list[lsp.TextDocumentEdit | lsp.CreateFile | lsp.RenameFile | lsp.DeleteFile] = []
    for p in planned:
        uri = uri_of(root, p.rel)
        version = None
        if p.before is None:
            items.append(
                lsp.CreateFile(
                    uri=uri,
                    options=lsp.CreateFileOptions(overwrite=False, ignore_if_exists=False),
                    annotation_id=annotation,
                )
            )
        else:
            version = version_of(uri)
        positions = Positions(p.before or "", encoding)
        items.append(
            lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=[text_edit(positions, e, annotation) for e in p.edits],
            )
        )
    result = lsp.WorkspaceEdit(document_changes=items)
    if annotation is not None:
        result.change_annotations = {
            annotation: lsp.ChangeAnnotation(
                label="Configure Python Project",
                needs_confirmation=True,
                description="pyproj-doctor's recommended setup for imports and test discovery",
            )
        }
    return result
