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
  /** An installed extension's version (its package.json), or undefined. */
  extensionVersion(id: string): string | undefined;
  /** `python.useEnvironmentsExtension` as the Python extension reads it: without a resource (user,
   *  workspace, or an experiment's default), false when not set. */
  useEnvironmentsExtension(): boolean;
  registerCommand(id: string, run: (...args: unknown[]) => unknown): Disposable;
  executeCommand(id: string, ...args: unknown[]): Thenable<unknown>;
  showMessage(kind: MessageKind, message: string, modal: boolean, ...actions: string[]): Thenable<string | undefined>;
  pickFolder(folders: FolderInfo[]): Thenable<FolderInfo | undefined>;
  onConfigurationChange(listener: (affects: (section: string) => boolean) => void): Disposable;
  onTrustGranted(listener: () => void): Disposable;
  onExtensionsChange(listener: () => void): Disposable;
  /** The active editor's document and cursor line (0-based), if any. */
  activeEditor(): { uri: string; line: number; languageId: string } | undefined;
  /** Shows read-only markdown in a preview beside the editor. */
  showMarkdown(title: string, markdown: string): Thenable<unknown>;
  remembered(key: string): boolean;
  remember(key: string): Thenable<void>;
}

const EXPLAIN_SCHEME = "pyproj-doctor-explain";

/** Read-only documents holding the answers of "Why does this import fail?", shown as a markdown preview. */
function markdownDocuments(context: vscode.ExtensionContext): (title: string, text: string) => Thenable<unknown> {
  const texts = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) => texts.get(uri.toString()) ?? "",
    }),
  );
  return (title, text) => {
    const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${title}.md` });
    texts.set(uri.toString(), text);
    changed.fire(uri);
    return vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
  };
}

export function vscodeHost(context: vscode.ExtensionContext): Host {
  const showMarkdown = markdownDocuments(context);
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
    extensionVersion: (id) => {
      const version: unknown = vscode.extensions.getExtension(id)?.packageJSON?.version;
      return typeof version === "string" ? version : undefined;
    },
    useEnvironmentsExtension: () =>
      vscode.workspace.getConfiguration("python").get<boolean>("useEnvironmentsExtension", false) === true,
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
    activeEditor: () => {
      const editor = vscode.window.activeTextEditor;
      return editor
        ? { uri: editor.document.uri.toString(), line: editor.selection.active.line, languageId: editor.document.languageId }
        : undefined;
    },
    showMarkdown,
    remembered: (key) => context.globalState.get<boolean>(key) === true,
    remember: (key) => context.globalState.update(key, true),
  };
}
