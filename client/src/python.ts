// The interpreter the user chose in the Python Environments extension or the Python extension,
// when either is installed. Their APIs are read defensively: a missing or changed field means
// "no answer", never an error.
import * as vscode from "vscode";

export const PYTHON_EXTENSION = "ms-python.python";
export const PYTHON_ENVIRONMENTS_EXTENSION = "ms-python.vscode-python-envs";

interface PythonEnvironment {
  execInfo?: { run?: { executable?: string } };
}
interface PythonEnvironmentsApi {
  getEnvironment?(scope: vscode.Uri | undefined): Promise<PythonEnvironment | undefined>;
  onDidChangeEnvironment?: vscode.Event<unknown>;
}

interface EnvironmentPath {
  id: string;
  path: string;
}
interface ResolvedEnvironment {
  executable?: { uri?: vscode.Uri };
}
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
    resolveEnvironment(env: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

async function exportsOf<T>(id: string): Promise<T | undefined> {
  const extension = vscode.extensions.getExtension<T>(id);
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return undefined;
  }
}

/** The executable the Python Environments extension selected for `resource`. */
export async function fromPythonEnvironments(resource?: vscode.Uri): Promise<string | undefined> {
  const api = await exportsOf<PythonEnvironmentsApi>(PYTHON_ENVIRONMENTS_EXTENSION);
  try {
    const environment = await api?.getEnvironment?.(resource);
    const executable = environment?.execInfo?.run?.executable;
    return typeof executable === "string" ? executable : undefined;
  } catch {
    return undefined;
  }
}

/** The executable of the Python extension's active environment for `resource`. */
export async function fromPythonExtension(resource?: vscode.Uri): Promise<string | undefined> {
  const environments = (await exportsOf<PythonApi>(PYTHON_EXTENSION))?.environments;
  if (!environments) {
    return undefined;
  }
  try {
    const active = environments.getActiveEnvironmentPath(resource);
    const resolved = await environments.resolveEnvironment(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch {
    return undefined;
  }
}

/** Calls `listener` when either extension reports another interpreter. */
export async function onInterpreterChange(listener: () => void): Promise<vscode.Disposable[]> {
  const disposables: vscode.Disposable[] = [];
  const environments = await exportsOf<PythonEnvironmentsApi>(PYTHON_ENVIRONMENTS_EXTENSION);
  if (typeof environments?.onDidChangeEnvironment === "function") {
    disposables.push(environments.onDidChangeEnvironment(() => listener()));
  }
  const python = (await exportsOf<PythonApi>(PYTHON_EXTENSION))?.environments;
  if (typeof python?.onDidChangeActiveEnvironmentPath === "function") {
    disposables.push(python.onDidChangeActiveEnvironmentPath(() => listener()));
  }
  return disposables;
}
