import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { WorkspaceEdit } from "vscode-languageclient/node";
import { CONFIGURE_ANNOTATION, confirmed, describe, isConfigureEdit, touchedUris } from "../src/configure";

const edit: WorkspaceEdit = {
  documentChanges: [
    { kind: "create", uri: "file:///w/my%20app/.vscode/settings.json", options: { ignoreIfExists: true }, annotationId: CONFIGURE_ANNOTATION },
    {
      textDocument: { uri: "file:///w/my%20app/.vscode/settings.json", version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: "{}", annotationId: CONFIGURE_ANNOTATION }],
    },
    {
      textDocument: { uri: "file:///w/my%20app/pyproject.toml", version: 3 },
      edits: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: "x", annotationId: CONFIGURE_ANNOTATION }],
    },
  ],
  changeAnnotations: { [CONFIGURE_ANNOTATION]: { label: "Configure Python Project", needsConfirmation: true } },
};

test("the configure edit is recognised by its label or its annotation", () => {
  assert.equal(isConfigureEdit({ edit }), true);
  assert.equal(isConfigureEdit({ label: "Configure Python Project", edit: { changes: {} } }), true);
  assert.equal(isConfigureEdit({ label: "other", edit: { changes: {} } }), false);
});

test("each file is listed once, relative to the folder, new files marked", () => {
  assert.deepEqual(touchedUris(edit), ["file:///w/my%20app/.vscode/settings.json", "file:///w/my%20app/pyproject.toml"]);
  assert.deepEqual(describe(edit, "file:///w/my%20app"), [".vscode/settings.json (new file)", "pyproject.toml (changed)"]);
});

test("once confirmed as a whole, no change is left unticked", () => {
  const result = confirmed(edit);
  assert.equal(result.changeAnnotations?.[CONFIGURE_ANNOTATION].needsConfirmation, false);
  assert.equal(edit.changeAnnotations?.[CONFIGURE_ANNOTATION].needsConfirmation, true);
  assert.equal(result.documentChanges, edit.documentChanges);
});
