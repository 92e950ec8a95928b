// Status bar item: the number of pyproj-doctor findings in the active folder; opens the Problems view.
import * as vscode from "vscode";

export function countFindings(
  entries: ReadonlyArray<[vscode.Uri, ReadonlyArray<vscode.Diagnostic>]>,
  folder: vscode.WorkspaceFolder | undefined,
): number {
  let count = 0;
  for (const [uri, diagnostics] of entries) {
    if (folder && !uri.fsPath.startsWith(folder.uri.fsPath)) {
      continue;
    }
    count += diagnostics.filter((d) => d.source === "pyproj-doctor").length;
  }
  return count;
}

export class Status implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("pyprojDoctor.status", vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  private message: string | undefined;

  constructor() {
    this.item.name = "pyproj-doctor";
    this.item.command = "workbench.actions.view.problems";
    this.subscriptions.push(
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
    this.item.show();
  }

  problem(message: string | undefined): void {
    this.message = message;
    this.update();
  }

  update(): void {
    if (this.message) {
      this.item.text = "$(error) pyproj-doctor";
      this.item.tooltip = this.message;
      this.item.command = "pyprojDoctor.showOutput";
      return;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const folder = active ? vscode.workspace.getWorkspaceFolder(active) : vscode.workspace.workspaceFolders?.[0];
    const count = countFindings(vscode.languages.getDiagnostics(), folder);
    this.item.text = count ? `$(warning) pyproj-doctor: ${count}` : "$(check) pyproj-doctor";
    this.item.tooltip = count
      ? `${count} project setup finding(s)${folder ? ` in ${folder.name}` : ""}: open the Problems view`
      : "Imports and test discovery are set up";
    this.item.command = "workbench.actions.view.problems";
  }

  dispose(): void {
    this.item.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}
