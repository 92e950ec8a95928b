// Which Python runs the server: the Python Environments extension's environment for the folder,
// else the Python extension's, else the pyprojDoctor.interpreter setting, else python3/python on
// PATH. Pure logic, unit-tested.
import * as path from "node:path";
import { PYTHON_FLOOR } from "./contract";

export const MIN_VERSION: [number, number] = PYTHON_FLOOR;

export type Source = "python-environments" | "python-extension" | "setting" | "path";

export interface Candidate {
  command: string;
  source: Source;
}

export interface Inputs {
  fromPythonEnvironments?: string;
  fromPythonExtension?: string;
  setting?: string;
  trusted: boolean;
  workspaceFolders: string[];
}

/** True when `file` lies inside one of the workspace folders (resolved, case-sensitive). */
export function insideWorkspace(file: string, folders: string[]): boolean {
  const resolved = path.resolve(file);
  return folders.some((folder) => {
    const relative = path.relative(path.resolve(folder), resolved);
    return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
  });
}

/** Candidates in the order they are tried; an untrusted workspace never runs its own Python. */
export function candidates(inputs: Inputs): { candidates: Candidate[]; refused: string[] } {
  const found: Candidate[] = [];
  const refused: string[] = [];
  const consider = (command: string | undefined, source: Source): void => {
    if (!command || !command.trim()) {
      return;
    }
    const isPath = command.includes("/") || command.includes("\\");
    if (!inputs.trusted && isPath && insideWorkspace(command, inputs.workspaceFolders)) {
      refused.push(command);
      return;
    }
    if (!found.some((c) => c.command === command.trim())) {
      found.push({ command: command.trim(), source });
    }
  };
  consider(inputs.fromPythonEnvironments, "python-environments");
  consider(inputs.fromPythonExtension, "python-extension");
  consider(inputs.setting, "setting");
  consider("python3", "path");
  consider("python", "path");
  return { candidates: found, refused };
}

/** Parses the output of `python -c "import sys; print(sys.version_info[:3])"` style probes. */
export function parseVersion(output: string): [number, number, number] | undefined {
  const match = /(\d+)\D+(\d+)\D+(\d+)/.exec(output);
  if (!match) {
    return undefined;
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function supported(version: [number, number, number]): boolean {
  const [major, minor] = version;
  return major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1]);
}
