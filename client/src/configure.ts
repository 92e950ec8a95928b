// "Configure Python Project" as one confirmed step: the server's edit is shown as a list of the
// files it changes behind one modal "Apply", then applied with every change selected.
import type { ApplyWorkspaceEditParams, WorkspaceEdit } from "vscode-languageclient/node";

export const CONFIGURE_ANNOTATION = "pyproj-doctor.configure";
export const CONFIGURE_LABEL = "Configure Python Project";
export const APPLY = "Apply";

export function isConfigureEdit(params: ApplyWorkspaceEditParams): boolean {
  return params.label === CONFIGURE_LABEL || CONFIGURE_ANNOTATION in (params.edit.changeAnnotations ?? {});
}

/** The URIs an edit touches, in order, each once. */
export function touchedUris(edit: WorkspaceEdit): string[] {
  const uris: string[] = [];
  const add = (uri: string): void => {
    if (!uris.includes(uri)) {
      uris.push(uri);
    }
  };
  for (const change of edit.documentChanges ?? []) {
    if ("textDocument" in change) {
      add(change.textDocument.uri);
    } else if (change.kind === "rename") {
      add(change.newUri);
    } else {
      add(change.uri);
    }
  }
  Object.keys(edit.changes ?? {}).forEach(add);
  return uris;
}

/** "pyproject.toml (changed)" / ".vscode/settings.json (new)", relative to the folder. */
export function describe(edit: WorkspaceEdit, folderUri: string | undefined): string[] {
  const created = new Set(
    (edit.documentChanges ?? []).filter((c) => "kind" in c && c.kind === "create").map((c) => (c as { uri: string }).uri),
  );
  const base = folderUri ? folderUri.replace(/\/?$/, "/") : undefined;
  return touchedUris(edit).map((uri) => {
    const name = base && uri.startsWith(base) ? decodeURIComponent(uri.slice(base.length)) : decodeURIComponent(uri);
    return `${name} (${created.has(uri) ? "new file" : "changed"})`;
  });
}

/** The same edit with nothing left to confirm: the user has just confirmed it as a whole. */
export function confirmed(edit: WorkspaceEdit): WorkspaceEdit {
  if (!edit.changeAnnotations) {
    return edit;
  }
  const changeAnnotations = Object.fromEntries(
    Object.entries(edit.changeAnnotations).map(([id, annotation]) => [id, { ...annotation, needsConfirmation: false }]),
  );
  return { ...edit, changeAnnotations };
}
