// Starting `python -m pyproj_doctor lsp` from the bundled libraries, and the LanguageClient options.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { Candidate, candidates, parseVersion, supported } from "./interpreter";
import { activeInterpreter } from "./python";
import { serverSettings } from "./settings";

export const CONFIGURE_COMMAND = "pyprojDoctor.configureProject";

const DOCUMENTS = [
  "**/pyproject.toml",
  "**/pytest.ini",
  "**/.pytest.ini",
  "**/pytest.toml",
  "**/.pytest.toml",
  "**/tox.ini",
  "**/setup.cfg",
  "**/.vscode/*.json",
  "**/*.code-workspace",
  "**/pyrightconfig.json",
  "**/.python-version",
];

function probe(command: string): Promise<[number, number, number] | undefined> {
  return new Promise((resolve) => {
    execFile(
      command,
      ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
      { timeout: 10000, windowsHide: true },
      (error, stdout) => resolve(error ? undefined : parseVersion(stdout)),
    );
  });
}

export interface Chosen {
  command: string;
  source: Candidate["source"];
  version: string;
}

export async function chooseInterpreter(output: vscode.OutputChannel): Promise<Chosen | string> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const config = vscode.workspace.getConfiguration("pyprojDoctor");
  // In an untrusted workspace only the user's own value of the setting counts.
  const setting = vscode.workspace.isTrusted
    ? config.get<string>("interpreter")
    : config.inspect<string>("interpreter")?.globalValue;
  const { candidates: list, refused } = candidates({
    fromPythonExtension: await activeInterpreter(vscode.workspace.workspaceFolders?.[0]?.uri),
    setting,
    trusted: vscode.workspace.isTrusted,
    workspaceFolders: folders,
  });
  for (const command of refused) {
    output.appendLine(`Not running ${command}: it is inside an untrusted workspace.`);
  }
  const tried: string[] = [];
  for (const candidate of list) {
    const version = await probe(candidate.command);
    if (version && supported(version)) {
      return { command: candidate.command, source: candidate.source, version: version.join(".") };
    }
    tried.push(`${candidate.command} (${version ? version.join(".") : "not found"})`);
  }
  return `pyproj-doctor needs Python 3.9 or newer to run its server. Tried: ${tried.join(", ")}. Select an interpreter with the Python extension or set "pyprojDoctor.interpreter".`;
}

export function createClient(
  context: vscode.ExtensionContext,
  interpreter: Chosen,
  output: vscode.OutputChannel,
  pickFolder: () => Promise<vscode.WorkspaceFolder | undefined>,
  onConfigured: (result: unknown) => void,
): LanguageClient | string {
  const libs = path.join(context.extensionPath, "bundled", "libs");
  if (!fs.existsSync(path.join(libs, "pyproj_doctor"))) {
    return `The bundled pyproj-doctor server is missing from ${libs}; reinstall the extension.`;
  }
  const env = { ...process.env, PYTHONPATH: [libs, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
  const serverOptions: ServerOptions = {
    command: interpreter.command,
    args: ["-s", "-m", "pyproj_doctor", "lsp"],
    options: { env },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...DOCUMENTS.map((pattern) => ({ scheme: "file", pattern })),
      { scheme: "file", language: "python" },
    ],
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      workspace: {
        configuration: (params, token, next) => {
          const answer = next(params, token);
          const map = (values: unknown): unknown =>
            Array.isArray(values)
              ? values.map((value, index) =>
                  params.items[index]?.section === "pyprojDoctor"
                    ? serverSettings({
                        get: <T>(key: string) =>
                          value && typeof value === "object" ? ((value as Record<string, unknown>)[key] as T) : undefined,
                      })
                    : value,
                )
              : values;
          return Promise.resolve(answer).then(map) as ReturnType<typeof next>;
        },
      },
      executeCommand: async (command, args, next) => {
        if (command === CONFIGURE_COMMAND && args.length === 0) {
          const folder = await pickFolder();
          if (!folder) {
            return undefined;
          }
          args = [folder.uri.toString()];
        }
        const result = await next(command, args);
        if (command === CONFIGURE_COMMAND) {
          onConfigured(result);
        }
        return result;
      },
    },
  };
  return new LanguageClient("pyprojDoctor", "pyproj-doctor", serverOptions, clientOptions);
}
