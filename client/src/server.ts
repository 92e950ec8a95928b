// Starting the bundled server (`python -I bundled/launch.py lsp` from the extension's folder, so
// nothing from the workspace is importable) and the LanguageClient options and middleware.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ApplyWorkspaceEditParams,
  ApplyWorkspaceEditRequest,
  ApplyWorkspaceEditResult,
  DidChangeConfigurationNotification,
  DynamicFeature,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  StaticFeature,
} from "vscode-languageclient/node";
import { APPLY, confirmed, describe, isConfigureEdit, touchedUris } from "./configure";
import { CHECKED_NOTIFICATION, DOCUMENTS, PYTHON_FLOOR_TEXT } from "./contract";
import type { Chosen, NoPython, ServerHandle } from "./controller";
import { candidates, parseVersion, supported } from "./interpreter";
import { fromPythonEnvironments, fromPythonExtension } from "./python";
import { serverSettings } from "./settings";
import { unlessStopped } from "./stopping";
import { mark, tracing } from "./trace";
import type { Host } from "./vscodeapi";

/** Runs `command -I -c …` from `cwd` and reads its version. */
function probe(command: string, cwd: string): Promise<[number, number, number] | undefined> {
  return new Promise((resolve) => {
    execFile(
      command,
      ["-I", "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
      { timeout: 10000, windowsHide: true, cwd },
      (error, stdout) => resolve(error ? undefined : parseVersion(stdout)),
    );
  });
}

export async function findInterpreter(host: Host, extensionPath: string): Promise<Chosen | NoPython> {
  const folders = host.folders();
  const first = folders[0] ? vscode.Uri.parse(folders[0].uri) : undefined;
  const setting = host.interpreterSetting();
  const trusted = host.trusted();
  const { candidates: list, refused } = candidates({
    fromPythonEnvironments: await fromPythonEnvironments(first),
    fromPythonExtension: await fromPythonExtension(first),
    // In an untrusted workspace only the user's own value of the setting counts.
    setting: trusted ? setting.effective : setting.user,
    trusted,
    workspaceFolders: folders.map((f) => f.path),
  });
  const tried: string[] = [];
  for (const candidate of list) {
    const version = await probe(candidate.command, extensionPath);
    if (version && supported(version)) {
      return { command: candidate.command, source: candidate.source, version: version.join(".") };
    }
    tried.push(`${candidate.command} (${version ? `${version.join(".")}, older than ${PYTHON_FLOOR_TEXT}` : "not found"})`);
  }
  return { tried, refused };
}

/** A LanguageClient whose commands are ours: the extension registers them once, for good. */
class Client extends LanguageClient {
  public registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    const method = (feature as Partial<DynamicFeature<unknown>>).registrationType?.method;
    if (method === ExecuteCommandRequest.method) {
      return;
    }
    super.registerFeature(feature);
  }
}

export interface Hooks {
  /** The server has reported a result (diagnostics, or the end of a check). */
  onResult(): void;
  /** What the server is told of the editor (see `editorReport`): the installed Pylance's version
   *  and the Test Explorer's project mode. */
  editorReport(): Record<string, unknown>;
}

async function applyEdit(client: LanguageClient, params: ApplyWorkspaceEditParams): Promise<ApplyWorkspaceEditResult> {
  let edit = params.edit;
  const configure = isConfigureEdit(params);
  if (configure) {
    const first = touchedUris(edit)[0];
    const folder = first ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(first)) : undefined;
    const files = describe(edit, folder?.uri.toString());
    const choice = await vscode.window.showInformationMessage(
      `Configure Python Project${folder ? ` in ${folder.name}` : ""}: apply pyproj-doctor's recommended setup to ${files.length} file(s)?`,
      { modal: true, detail: files.join("\n") },
      APPLY,
    );
    if (choice !== APPLY) {
      return { applied: false, failureReason: "cancelled" };
    }
    edit = confirmed(edit);
  }
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  const converted = await client.protocol2CodeConverter.asWorkspaceEdit(edit);
  const applied = await vscode.workspace.applyEdit(converted);
  if (applied && configure) {
    // The user confirmed writing these files: save them, but never a buffer they had unsaved edits in.
    for (const uri of touchedUris(edit)) {
      if (!dirtyBefore.has(uri)) {
        const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
        if (document.isDirty) {
          await document.save();
        }
      }
    }
  }
  return { applied };
}

export function launch(
  extensionPath: string,
  interpreter: Chosen,
  output: vscode.OutputChannel,
  hooks: Hooks,
): ServerHandle | string {
  const launcher = path.join(extensionPath, "bundled", "launch.py");
  if (!fs.existsSync(path.join(extensionPath, "bundled", "libs", "pyproj_doctor")) || !fs.existsSync(launcher)) {
    return `The bundled pyproj-doctor server is missing from ${path.join(extensionPath, "bundled")}; reinstall the extension.`;
  }
  // No PYTHONPATH and the extension's folder as working directory: with -I the workspace is not on sys.path.
  const env = { ...process.env };
  delete env.PYTHONPATH;
  delete env.PYTHONSTARTUP;
  const serverOptions: ServerOptions = {
    command: interpreter.command,
    args: ["-I", launcher, "lsp"],
    options: { env, cwd: extensionPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...DOCUMENTS.map((pattern) => ({ scheme: "file", pattern })),
      { scheme: "file", language: "python" },
    ],
    outputChannel: output,
    traceOutputChannel: output,
    // The server reads it from here at start, and from each answer below after a change.
    initializationOptions: hooks.editorReport(),
    middleware: {
      // A window closing stops the client while VS Code may still ask for the editor's code actions.
      provideCodeActions: (document, range, context, token, next) =>
        unlessStopped(() => client.isRunning(), () => next(document, range, context, token), undefined),
      handleDiagnostics: (uri, diagnostics, next) => {
        mark("diagnostics received", uri.toString(), diagnostics.length);
        next(uri, diagnostics);
        hooks.onResult();
      },
      // Only with PYPROJ_DOCTOR_TRACE: when the editor's change reached the client.
      ...(tracing
        ? {
            didChange: (event: vscode.TextDocumentChangeEvent, next: (event: vscode.TextDocumentChangeEvent) => Promise<void>) => {
              mark("didChange sending", event.document.uri.toString(), event.document.version);
              return next(event).then(() => mark("didChange sent", event.document.uri.toString()));
            },
          }
        : {}),
      workspace: {
        configuration: (params, token, next) => {
          const answer = next(params, token);
          const map = (values: unknown): unknown =>
            Array.isArray(values)
              ? values.map((value, index) =>
                  params.items[index]?.section === "pyprojDoctor"
                    ? {
                        ...serverSettings({
                          get: <T>(key: string) =>
                            value && typeof value === "object" ? ((value as Record<string, unknown>)[key] as T) : undefined,
                        }),
                        ...hooks.editorReport(),
                      }
                    : value,
                )
              : values;
          return Promise.resolve(answer).then(map) as ReturnType<typeof next>;
        },
      },
    },
  };
  const client = new Client("pyprojDoctor", "pyproj-doctor", serverOptions, clientOptions);
  client.onRequest(ApplyWorkspaceEditRequest.type, (params) => applyEdit(client, params));
  // Server-created progress bypasses the middleware, and a clean project publishes no diagnostics:
  // the server says when each check has finished.
  client.onNotification(CHECKED_NOTIFICATION, () => hooks.onResult());
  return {
    start: () => client.start(),
    stop: async () => {
      if (client.needsStop()) {
        await client.stop();
      }
    },
    executeCommand: (command, args) => client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }),
    configurationChanged: () => client.sendNotification(DidChangeConfigurationNotification.type, { settings: null }),
  };
}
