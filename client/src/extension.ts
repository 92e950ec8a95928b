// Activation: pick an interpreter, start the server, wire commands and status. No judgement here.
import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";
import { onInterpreterChange } from "./python";
import { CONFIGURE_COMMAND, chooseInterpreter, createClient } from "./server";
import { Status } from "./status";

let client: LanguageClient | undefined;
let fallback: vscode.Disposable | undefined;

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) {
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: "Configure which folder?" });
}

function reportConfigured(result: unknown): void {
  const data = (result ?? {}) as { applied?: boolean; files?: string[]; remaining?: string[] };
  if (data.applied) {
    const left = data.remaining?.length ? ` ${data.remaining.length} finding(s) still need a decision.` : "";
    void vscode.window.showInformationMessage(`pyproj-doctor updated ${data.files?.join(", ")}.${left}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("pyproj-doctor");
  const status = new Status();
  context.subscriptions.push(output, status);

  const start = async (): Promise<void> => {
    fallback?.dispose();
    fallback = undefined;
    const interpreter = await chooseInterpreter(output);
    if (typeof interpreter === "string") {
      output.appendLine(interpreter);
      status.problem(interpreter);
      void vscode.window.showErrorMessage(interpreter, "Show Output").then((choice) => {
        if (choice) {
          output.show();
        }
      });
      return;
    }
    output.appendLine(`Starting the server with ${interpreter.command} (Python ${interpreter.version}, from ${interpreter.source}).`);
    const created = createClient(context, interpreter, output, pickFolder, reportConfigured);
    if (typeof created === "string") {
      status.problem(created);
      void vscode.window.showErrorMessage(created);
      return;
    }
    status.problem(undefined);
    client = created;
    await client.start();
  };
  const restart = async (): Promise<void> => {
    const running = client;
    client = undefined;
    if (running) {
      await running.stop().catch((error: unknown) => output.appendLine(`Stopping the server failed: ${String(error)}`));
    }
    await start();
  };

  context.subscriptions.push(
    vscode.commands.registerCommand("pyprojDoctor.showOutput", () => output.show()),
    vscode.commands.registerCommand("pyprojDoctor.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("pyprojDoctor.interpreter")) {
        void restart();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    { dispose: () => void client?.stop() },
  );
  const listener = await onInterpreterChange(() => void restart());
  if (listener) {
    context.subscriptions.push(listener);
  }
  await start();
  if (!client) {
    // Without a server the language client cannot forward the command: explain instead of failing.
    fallback = vscode.commands.registerCommand(CONFIGURE_COMMAND, () => output.show());
    context.subscriptions.push({ dispose: () => fallback?.dispose() });
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
