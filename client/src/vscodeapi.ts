// The seam between the extension's logic and VS Code: everything the controller asks of the
// editor goes through `Host`, so activation, commands and restarts are unit-tested with an
// in-memory host (client/test/controller.test.ts) and run against the real API here.
import * as vscode from "vscode";

export interface Disposable {
  dispose(): unknown;
}

export interface FolderInfo {
  name: string;
  path: string;
  uri: string;
}

export type MessageKind = "info" | "warning" | "error";

export interface Host {
  folders(): FolderInfo[];
  trusted(): boolean;
  /** A remote window (SSH, containers, code-server): machine settings live in its Remote settings. */
  remote(): boolean;
  /** The interpreter setting: its effective value, and the user's own (global) value. */
  interpreterSetting(): { effective?: string; user?: string };
  hasExtension(id: string): boolean;
  registerCommand(id: string, run: (...args: unknown[]) => unknown): Disposable;
  executeCommand(id: string, ...args: unknown[]): Thenable<unknown>;
  showMessage(kind: MessageKind, message: string, modal: boolean, ...actions: string[]): Thenable<string | undefined>;
  pickFolder(folders: FolderInfo[]): Thenable<FolderInfo | undefined>;
  onConfigurationChange(listener: (affects: (section: string) => boolean) => void): Disposable;
  onTrustGranted(listener: () => void): Disposable;
  onExtensionsChange(listener: () => void): Disposable;
  remembered(key: string): boolean;
  remember(key: string): Thenable<void>;
}

export function vscodeHost(context: vscode.ExtensionContext): Host {
  const info = (folder: vscode.WorkspaceFolder): FolderInfo => ({
    name: folder.name,
    path: folder.uri.fsPath,
    uri: folder.uri.toString(),
  });
  return {
    folders: () => (vscode.workspace.workspaceFolders ?? []).map(info),
    trusted: () => vscode.workspace.isTrusted,
    remote: () => Boolean(vscode.env.remoteName),
    interpreterSetting: () => {
      const config = vscode.workspace.getConfiguration("pyprojDoctor");
      return { effective: config.get<string>("interpreter"), user: config.inspect<string>("interpreter")?.globalValue };
    },
    hasExtension: (id) => vscode.extensions.getExtension(id) !== undefined,
    registerCommand: (id, run) => vscode.commands.registerCommand(id, run),
    executeCommand: (id, ...args) => vscode.commands.executeCommand(id, ...args),
    showMessage: (kind, message, modal, ...actions) => {
      const show =
        kind === "error"
          ? vscode.window.showErrorMessage
          : kind === "warning"
            ? vscode.window.showWarningMessage
            : vscode.window.showInformationMessage;
      return show(message, { modal }, ...actions);
    },
    pickFolder: async (folders) => {
      const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: "Configure which folder?" });
      return picked ? folders.find((f) => f.uri === picked.uri.toString()) : undefined;
    },
    onConfigurationChange: (listener) =>
      vscode.workspace.onDidChangeConfiguration((event) => listener((section) => event.affectsConfiguration(section))),
    onTrustGranted: (listener) => vscode.workspace.onDidGrantWorkspaceTrust(listener),
    onExtensionsChange: (listener) => vscode.extensions.onDidChange(listener),
    remembered: (key) => context.globalState.get<boolean>(key) === true,
    remember: (key) => context.globalState.update(key, true),
  };
}
