// What the status item says, computed from the diagnostics VS Code holds. Pure, unit-tested:
// it counts what the Problems view shows (no hints), for the whole workspace, per folder.
import * as path from "node:path";

export const SOURCE = "pyproj-doctor";

/** vscode.DiagnosticSeverity values. */
export const enum Level {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export interface DiagnosticLike {
  severity: number;
  source?: string;
}

export interface FolderLike {
  name: string;
  path: string;
}

export interface Summary {
  total: number;
  counts: [number, number, number];
  worst: Level | undefined;
  byFolder: { name: string; count: number }[];
}

export type ServerState =
  | { kind: "starting" }
  | { kind: "checking" }
  | { kind: "ready" }
  | { kind: "problem"; message: string };

/** The folder that contains `file`: the deepest one whose path is `file` or a parent of it. */
export function folderOf<T extends FolderLike>(file: string, folders: readonly T[], sep = path.sep): T | undefined {
  let best: T | undefined;
  for (const folder of folders) {
    const root = folder.path.endsWith(sep) ? folder.path : folder.path + sep;
    if ((file === folder.path || file.startsWith(root)) && (!best || folder.path.length > best.path.length)) {
      best = folder;
    }
  }
  return best;
}

export function summarize(
  entries: ReadonlyArray<readonly [string, ReadonlyArray<DiagnosticLike>]>,
  folders: readonly FolderLike[],
  sep = path.sep,
): Summary {
  const counts: [number, number, number] = [0, 0, 0];
  const perFolder = new Map<string, number>(folders.map((f) => [f.path, 0]));
  for (const [file, diagnostics] of entries) {
    const shown = diagnostics.filter((d) => d.source === SOURCE && d.severity !== Level.Hint);
    if (shown.length === 0) {
      continue;
    }
    for (const d of shown) {
      counts[d.severity as 0 | 1 | 2] += 1;
    }
    const folder = folderOf(file, folders, sep);
    if (folder) {
      perFolder.set(folder.path, (perFolder.get(folder.path) ?? 0) + shown.length);
    }
  }
  const worst = counts[0] ? Level.Error : counts[1] ? Level.Warning : counts[2] ? Level.Information : undefined;
  return {
    total: counts[0] + counts[1] + counts[2],
    counts,
    worst,
    byFolder: folders.map((f) => ({ name: f.name, count: perFolder.get(f.path) ?? 0 })),
  };
}

export const RESTRICTED_NOTE =
  "Restricted Mode: pyproj-doctor runs only a Python you chose outside this workspace (not its .venv, " +
  "not its pyprojDoctor.interpreter setting) and never imports code from it. Trust the workspace to use its own interpreter.";

export interface Rendered {
  text: string;
  tooltip: string;
  command: string;
}

const ICON = ["$(error)", "$(warning)", "$(info)"];

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function render(summary: Summary, state: ServerState, restricted: boolean): Rendered {
  const note = restricted ? `\n\n${RESTRICTED_NOTE}` : "";
  if (state.kind === "problem") {
    return { text: "$(error) pyproj-doctor", tooltip: state.message + note, command: "pyprojDoctor.showOutput" };
  }
  if (state.kind === "starting" || state.kind === "checking") {
    return {
      text: "$(sync~spin) pyproj-doctor: checking…",
      tooltip: `pyproj-doctor is checking the project setup.${note}`,
      command: "pyprojDoctor.showOutput",
    };
  }
  if (summary.worst === undefined) {
    return {
      text: "$(check) pyproj-doctor",
      tooltip: `No project setup problems found: imports and test discovery are set up.${note}`,
      command: "workbench.actions.view.problems",
    };
  }
  const [errors, warnings, infos] = summary.counts;
  const parts = [
    errors ? plural(errors, "error") : "",
    warnings ? plural(warnings, "warning") : "",
    infos ? plural(infos, "information") : "",
  ].filter(Boolean);
  const folders =
    summary.byFolder.length > 1 ? "\n" + summary.byFolder.map((f) => `${f.name}: ${f.count}`).join("\n") : "";
  return {
    text: `${ICON[summary.worst]} pyproj-doctor: ${summary.total}`,
    tooltip: `${plural(summary.total, "project setup finding")} (${parts.join(", ")}); click for the Problems view.${folders}${note}`,
    command: "workbench.actions.view.problems",
  };
}
