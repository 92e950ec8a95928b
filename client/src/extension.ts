// Activation: wires VS Code to the controller. No judgement here, and none in the controller
// either: findings and fixes come from the server.
import * as vscode from "vscode";
import { Controller, editorReport } from "./controller";
import { QuietChannel } from "./output";
import { onInterpreterChange } from "./python";
import { findInterpreter, launch } from "./server";
import { Status } from "./status";
import { RESTRICTED_NOTE } from "./summary";
import { vscodeHost } from "./vscodeapi";

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = new QuietChannel(vscode.window.createOutputChannel("pyproj-doctor"));
  const status = new Status();
  const host = vscodeHost(context);
  controller = new Controller({
    host,
    log: (line) => output.appendLine(line),
    showOutput: () => output.show(),
    status: (state) => status.set(state),
    findInterpreter: () => findInterpreter(host, context.extensionPath),
    launch: (chosen) =>
      launch(context.extensionPath, chosen, output, {
        onResult: () => status.result(),
        editorReport: () => editorReport(host),
      }),
  });
  const running = controller;
  // Disposed in this order after deactivate(): the server first, then the item and the channel.
  context.subscriptions.push({ dispose: () => void running.dispose() }, status, output);
  if (!vscode.workspace.isTrusted) {
    output.appendLine(RESTRICTED_NOTE);
  }
  await running.activate();
  context.subscriptions.push(...(await onInterpreterChange(() => void running.restart())));
}

export async function deactivate(): Promise<void> {
  await controller?.dispose();
  controller = undefined;
}
