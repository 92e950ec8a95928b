// The extension's behaviour, independent of VS Code (it talks to the editor through `Host`):
// commands registered once and answering in every server state, start and restart of the
// server, the no-Python and missing-Python-extension messages, configure's feedback.
import { EXPLAIN_COMMAND, PYTHON_FLOOR_TEXT } from "./contract";
import type { Source } from "./interpreter";
import type { ServerState } from "./summary";
import type { Disposable, Host } from "./vscodeapi";

export const CONFIGURE_COMMAND = "pyprojDoctor.configureProject";
export const SHOW_OUTPUT_COMMAND = "pyprojDoctor.showOutput";
export const RESTART_COMMAND = "pyprojDoctor.restartServer";
export const PYTHON_EXTENSION = "ms-python.python";
export const PYTHON_NOTICE_KEY = "pyprojDoctor.pythonExtensionNoticeShown";

export const INSTALL_PYTHON = "Install Python Extension";
export const SELECT_INTERPRETER = "Select Interpreter";
export const OPEN_SETTING = "Open Setting";
export const RETRY = "Retry";
export const SHOW_OUTPUT = "Show Output";

export interface Chosen {
  command: string;
  source: Source;
  version: string;
}

export interface NoPython {
  tried: string[];
  refused: string[];
}

export interface ServerHandle {
  start(): Promise<void>;
  stop(): Promise<void>;
  executeCommand(command: string, args: unknown[]): Promise<unknown>;
  /** Tells the server its settings changed (it asks for them again, then checks again). */
  configurationChanged(): Promise<void>;
}

/** Pylance, whose version the server is told: whether it expands extraPaths globs is the
 *  engine's judgement, not the client's. */
export const PYLANCE_EXTENSION = "ms-python.vscode-pylance";

/** The Python Environments extension: with it installed and `python.useEnvironmentsExtension` on,
 *  the Test Explorer runs each Python project on its own (the engine's judgement what that runs). */
export const ENVIRONMENTS_EXTENSION = "ms-python.vscode-python-envs";
export const USE_ENVIRONMENTS_SETTING = "python.useEnvironmentsExtension";

/** What the server is told of the editor beyond the settings: the installed Pylance's version and
 *  the two facts that decide the Test Explorer's project mode. */
export function editorReport(host: Host): {
  pylanceVersion: string | null;
  useEnvironmentsExtension: boolean;
  environmentsExtension: boolean;
} {
  return {
    // null, not left out, once Pylance is gone: the value given at start is stale.
    pylanceVersion: host.extensionVersion(PYLANCE_EXTENSION) ?? null,
    useEnvironmentsExtension: host.useEnvironmentsExtension(),
    environmentsExtension: host.hasExtension(ENVIRONMENTS_EXTENSION),
  };
}

export interface Deps {
  host: Host;
  log(line: string): void;
  showOutput(): void;
  status(state: ServerState): void;
  findInterpreter(): Promise<Chosen | NoPython>;
  launch(chosen: Chosen): ServerHandle | string;
}

/** The no-Python message and the actions that fit: what is installed decides what to offer. */
export function noPythonMessage(
  problem: NoPython,
  pythonExtension: boolean,
  trusted: boolean,
): { message: string; actions: string[] } {
  const refused = problem.refused.length
    ? ` Not run in Restricted Mode because it is inside the workspace: ${problem.refused.join(", ")}.`
    : "";
  const how = pythonExtension
    ? `select an interpreter with the Python extension or set "pyprojDoctor.interpreter"`
    : `set "pyprojDoctor.interpreter", or install the Python extension to pick one`;
  const message =
    `pyproj-doctor needs Python ${PYTHON_FLOOR_TEXT} or newer to run its server and found none. ` +
    `Tried: ${problem.tried.join(", ")}.${refused} Install Python ${PYTHON_FLOOR_TEXT}+, ${how}, then retry.` +
    (trusted ? "" : " Trusting the workspace allows its own interpreter.");
  const actions = [pythonExtension ? SELECT_INTERPRETER : INSTALL_PYTHON, OPEN_SETTING, RETRY];
  return { message, actions };
}

export const PYTHON_EXTENSION_NOTICE =
  "The Python extension (ms-python.python) is not installed: without it VS Code has no Pylance to resolve imports " +
  "and no Test Explorer, which are what pyproj-doctor's VS Code settings are for. Findings, quick fixes and " +
  "Configure Python Project still work, and so does the pyproj-doctor command line.";

interface Configured {
  applied?: boolean;
  files?: string[];
  remaining?: string[];
  error?: string;
  failureReason?: string;
}

/** What to tell the user after "Configure Python Project"; undefined when the server already did. */
export function configuredMessage(result: unknown): { kind: "info" | "error"; message: string } | undefined {
  if (result === null || result === undefined || typeof result !== "object") {
    return { kind: "error", message: "pyproj-doctor could not configure the project; see the Output channel." };
  }
  const data = result as Configured;
  const left = data.remaining?.length
    ? ` ${data.remaining.length} finding(s) still need a decision: see the Problems view.`
    : "";
  if (data.applied) {
    return { kind: "info", message: `pyproj-doctor wrote ${(data.files ?? []).join(", ")}.${left}` };
  }
  if (data.error) {
    return undefined; // the server has shown it
  }
  if (data.files?.length) {
    const why = data.failureReason ? ` (${data.failureReason})` : "";
    return { kind: "info", message: `pyproj-doctor changed nothing${why}.` };
  }
  return undefined; // "already set up", said by the server
}

/** The markdown of the server's answer to the explain command, or undefined when it has none. */
export function explainedMarkdown(result: unknown): string | undefined {
  if (result === null || typeof result !== "object") {
    return undefined;
  }
  const markdown = (result as { markdown?: unknown }).markdown;
  return typeof markdown === "string" ? markdown : undefined;
}

export class Controller implements Disposable {
  private server: ServerHandle | undefined;
  private problem: { message: string; actions: string[] } | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly disposables: Disposable[] = [];
  private disposed = false;
  private reported = "";

  constructor(private readonly deps: Deps) {}

  /** An extension was installed, removed or updated, or `python.useEnvironmentsExtension` changed:
   *  a different report (another Pylance, the Test Explorer's mode) goes to the server, which reads
   *  it (with the other settings) through workspace/configuration. */
  private async editorChanged(): Promise<void> {
    const report = JSON.stringify(editorReport(this.deps.host));
    if (report === this.reported) {
      return;
    }
    this.reported = report;
    await this.queue;
    try {
      await this.server?.configurationChanged();
    } catch (error) {
      this.deps.log(`Telling the server about the editor (${report}) failed: ${String(error)}`);
    }
  }

  /** Registers every command first, so each one answers whatever happens to the server. */
  async activate(): Promise<void> {
    const { host } = this.deps;
    this.disposables.push(
      host.registerCommand(CONFIGURE_COMMAND, (...args) => this.configure(args)),
      host.registerCommand(EXPLAIN_COMMAND, () => this.explainImport()),
      host.registerCommand(SHOW_OUTPUT_COMMAND, () => this.deps.showOutput()),
      host.registerCommand(RESTART_COMMAND, () => this.restart()),
      host.onConfigurationChange((affects) => {
        if (affects("pyprojDoctor.interpreter")) {
          void this.restart();
        } else if (affects(USE_ENVIRONMENTS_SETTING)) {
          void this.editorChanged();
        }
      }),
      host.onTrustGranted(() => void this.restart()),
      host.onExtensionsChange(() => void this.editorChanged()),
    );
    this.reported = JSON.stringify(editorReport(host));
    this.noticePythonExtension();
    await this.restart();
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Stops the server (if any) and starts it again; calls are queued, never interleaved. */
  restart(): Promise<void> {
    this.queue = this.queue.then(() => this.restartNow()).catch((error: unknown) => this.deps.log(String(error)));
    return this.queue;
  }

  private async restartNow(): Promise<void> {
    await this.stopServer();
    if (this.disposed) {
      return;
    }
    this.deps.status({ kind: "starting" });
    const chosen = await this.deps.findInterpreter();
    if ("tried" in chosen) {
      const pythonExtension = this.deps.host.hasExtension(PYTHON_EXTENSION);
      this.fail(noPythonMessage(chosen, pythonExtension, this.deps.host.trusted()));
      return;
    }
    this.deps.log(`Starting the server with ${chosen.command} (Python ${chosen.version}, from ${chosen.source}).`);
    const server = this.deps.launch(chosen);
    if (typeof server === "string") {
      this.fail({ message: server, actions: [SHOW_OUTPUT] });
      return;
    }
    // "checking…" from here: the first result can arrive before start() resolves.
    this.deps.status({ kind: "checking" });
    try {
      await server.start();
    } catch (error) {
      await server.stop().catch(() => undefined);
      this.fail({ message: `pyproj-doctor's server did not start: ${String(error)}`, actions: [SHOW_OUTPUT, RETRY] });
      return;
    }
    this.server = server;
    this.problem = undefined;
  }

  private async stopServer(): Promise<void> {
    const running = this.server;
    this.server = undefined;
    if (running) {
      await running.stop().catch((error: unknown) => this.deps.log(`Stopping the server failed: ${String(error)}`));
    }
  }

  private fail(problem: { message: string; actions: string[] }): void {
    this.problem = problem;
    this.deps.log(problem.message);
    this.deps.status({ kind: "problem", message: problem.message });
    void this.explain(problem);
  }

  /** Shows why the server is not running, with the actions that fit, and runs the chosen one. */
  private async explain(problem: { message: string; actions: string[] }): Promise<void> {
    const { host } = this.deps;
    const choice = await host.showMessage("error", problem.message, false, ...problem.actions);
    if (choice === INSTALL_PYTHON) {
      await host.executeCommand("workbench.extensions.installExtension", PYTHON_EXTENSION);
    } else if (choice === SELECT_INTERPRETER) {
      await host.executeCommand("python.setInterpreter");
    } else if (choice === OPEN_SETTING) {
      // The setting is machine-scoped: in a remote window only its Remote settings apply.
      const command = host.remote() ? "workbench.action.openRemoteSettings" : "workbench.action.openSettings";
      await host.executeCommand(command, { query: "pyprojDoctor.interpreter" });
    } else if (choice === RETRY) {
      await this.restart();
    } else if (choice === SHOW_OUTPUT) {
      this.deps.showOutput();
    }
  }

  private noticePythonExtension(): void {
    const { host } = this.deps;
    if (host.hasExtension(PYTHON_EXTENSION) || host.remembered(PYTHON_NOTICE_KEY)) {
      return;
    }
    void host.remember(PYTHON_NOTICE_KEY);
    this.deps.log(PYTHON_EXTENSION_NOTICE);
    void host.showMessage("info", PYTHON_EXTENSION_NOTICE, false, INSTALL_PYTHON).then((choice) => {
      if (choice === INSTALL_PYTHON) {
        return host.executeCommand("workbench.extensions.installExtension", PYTHON_EXTENSION);
      }
      return undefined;
    });
  }

  /** "Configure Python Project": through the server when it runs, else the reason it does not. */
  async configure(args: unknown[]): Promise<unknown> {
    await this.queue;
    const server = this.server;
    if (!server) {
      const problem = this.problem ?? { message: "pyproj-doctor's server is not running.", actions: [SHOW_OUTPUT, RETRY] };
      await this.explain({ message: `Configure Python Project needs the server. ${problem.message}`, actions: problem.actions });
      return undefined;
    }
    const { host } = this.deps;
    let target = typeof args[0] === "string" ? args[0] : undefined;
    if (!target) {
      const folders = host.folders();
      const folder = folders.length > 1 ? await host.pickFolder(folders) : folders[0];
      if (!folder) {
        return undefined;
      }
      target = folder.uri;
    }
    const result = await server.executeCommand(CONFIGURE_COMMAND, [target]);
    const feedback = configuredMessage(result);
    if (feedback) {
      void host.showMessage(feedback.kind, feedback.message, false);
    }
    return result;
  }

  /** "Why does this import fail?": the server's table for the import under the cursor, as a preview. */
  async explainImport(): Promise<unknown> {
    await this.queue;
    const { host } = this.deps;
    const server = this.server;
    if (!server) {
      const problem = this.problem ?? { message: "pyproj-doctor's server is not running.", actions: [SHOW_OUTPUT, RETRY] };
      await this.explain({ message: `"Why does this import fail?" needs the server. ${problem.message}`, actions: problem.actions });
      return undefined;
    }
    const editor = host.activeEditor();
    if (!editor || editor.languageId !== "python" || !editor.uri.startsWith("file:")) {
      void host.showMessage("info", "Put the cursor on an import in a Python file, then run this command again.", false);
      return undefined;
    }
    const result = await server.executeCommand(EXPLAIN_COMMAND, [editor.uri, editor.line]);
    const markdown = explainedMarkdown(result);
    if (markdown === undefined) {
      void host.showMessage("error", "pyproj-doctor could not explain this import; see the Output channel.", false);
      return undefined;
    }
    const error = (result as { error?: unknown }).error;
    if (typeof error === "string") {
      void host.showMessage("info", `pyproj-doctor: ${error}`, false);
      return result;
    }
    const name = editor.uri.split("/").pop() ?? "import";
    await host.showMarkdown(`Why does this import fail - ${name}:${editor.line + 1}`, markdown);
    return result;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.disposables.splice(0).forEach((d) => d.dispose());
    await this.queue.catch(() => undefined);
    await this.stopServer();
  }
}
