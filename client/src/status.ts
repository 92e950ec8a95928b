// The status bar item: "checking…" until the server's first result, then the number of findings
// the Problems view shows for the whole workspace, with the icon of the worst severity.
import * as vscode from "vscode";
import { ServerState, render, summarize } from "./summary";
import { mark } from "./trace";

export class Status implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("pyprojDoctor.status", vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  private state: ServerState = { kind: "starting" };

  constructor() {
    this.item.name = "pyproj-doctor";
    this.subscriptions.push(
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    );
    this.update();
    this.item.show();
  }

  set(state: ServerState): void {
    this.state = state;
    this.update();
  }

  /** The server answered: leave "checking…" (a problem stays shown). */
  result(): void {
    if (this.state.kind === "checking" || this.state.kind === "starting") {
      this.set({ kind: "ready" });
    }
  }

  update(): void {
    const started = performance.now();
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, path: f.uri.fsPath }));
    const entries = vscode.languages
      .getDiagnostics()
      .filter(([uri]) => uri.scheme === "file")
      .map(([uri, diagnostics]) => [uri.fsPath, diagnostics] as const);
    const shown = render(summarize(entries, folders), this.state, !vscode.workspace.isTrusted);
    this.item.text = shown.text;
    this.item.tooltip = shown.tooltip;
    // Screen readers (and the end-to-end test) get the summary and the tooltip together.
    this.item.accessibilityInformation = {
      label: `${shown.text.replace(/\$\([^)]*\)\s*/g, "")}. ${shown.tooltip}`,
      role: "button",
    };
    this.item.command = shown.command;
    mark("status updated", (performance.now() - started).toFixed(2));
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
