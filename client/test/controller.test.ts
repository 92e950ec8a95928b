// The controller through the `Host` seam: an in-memory editor that records what the user would
// see and answers messages as a user would.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import {
  CONFIGURE_COMMAND,
  Chosen,
  Controller,
  ENVIRONMENTS_EXTENSION,
  INSTALL_PYTHON,
  NoPython,
  OPEN_SETTING,
  PYLANCE_EXTENSION,
  PYTHON_EXTENSION_NOTICE,
  RESTART_COMMAND,
  RETRY,
  SELECT_INTERPRETER,
  SHOW_OUTPUT_COMMAND,
  ServerHandle,
  USE_ENVIRONMENTS_SETTING,
  configuredMessage,
  editorReport,
} from "../src/controller";
import { EXPLAIN_COMMAND } from "../src/contract";
import type { ServerState } from "../src/summary";
import type { FolderInfo, Host } from "../src/vscodeapi";

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

class Editor implements Host {
  commands = new Map<string, (...args: unknown[]) => unknown>();
  executed: unknown[][] = [];
  messages: { kind: string; message: string; actions: string[] }[] = [];
  answer: (message: string, actions: string[]) => string | undefined = () => undefined;
  extensions = new Set<string>();
  memory = new Set<string>();
  workspace: FolderInfo[] = [{ name: "app", path: "/w/app", uri: "file:///w/app" }];
  picked: FolderInfo | undefined;
  configListeners: ((affects: (s: string) => boolean) => void)[] = [];
  isTrusted = true;
  isRemote = false;
  editor: { uri: string; line: number; languageId: string } | undefined;
  previews: { title: string; markdown: string }[] = [];

  folders() {
    return this.workspace;
  }
  trusted() {
    return this.isTrusted;
  }
  remote() {
    return this.isRemote;
  }
  interpreterSetting() {
    return {};
  }
  hasExtension(id: string) {
    return this.extensions.has(id);
  }
  useEnvs = false;
  useEnvironmentsExtension() {
    return this.useEnvs;
  }
  versions = new Map<string, string>();
  extensionsListeners: (() => void)[] = [];
  extensionVersion(id: string) {
    return this.versions.get(id);
  }
  registerCommand(id: string, run: (...args: unknown[]) => unknown) {
    assert.ok(!this.commands.has(id), `${id} registered twice`);
    this.commands.set(id, run);
    return { dispose: () => this.commands.delete(id) };
  }
  async executeCommand(id: string, ...args: unknown[]) {
    this.executed.push([id, ...args]);
    const command = this.commands.get(id);
    return command ? command(...args) : undefined;
  }
  async showMessage(kind: string, message: string, _modal: boolean, ...actions: string[]) {
    this.messages.push({ kind, message, actions });
    return this.answer(message, actions);
  }
  async pickFolder(folders: FolderInfo[]) {
    assert.ok(folders.length > 1);
    return this.picked;
  }
  onConfigurationChange(listener: (affects: (s: string) => boolean) => void) {
    this.configListeners.push(listener);
    return { dispose: () => undefined };
  }
  onTrustGranted() {
    return { dispose: () => undefined };
  }
  onExtensionsChange(listener: () => void) {
    this.extensionsListeners.push(listener);
    return { dispose: () => undefined };
  }
  activeEditor() {
    return this.editor;
  }
  async showMarkdown(title: string, markdown: string) {
    this.previews.push({ title, markdown });
  }
  remembered(key: string) {
    return this.memory.has(key);
  }
  async remember(key: string) {
    this.memory.add(key);
  }
}

class Server implements ServerHandle {
  started = 0;
  stopped = 0;
  requests: [string, unknown[]][] = [];
  reply: unknown = { applied: true, files: ["pyproject.toml", ".vscode/settings.json"], remaining: [] };
  async start() {
    this.started += 1;
  }
  async stop() {
    this.stopped += 1;
  }
  async executeCommand(command: string, args: unknown[]) {
    this.requests.push([command, args]);
    return this.reply;
  }
  configurationChanges = 0;
  async configurationChanged() {
    this.configurationChanges += 1;
  }
}

const python: Chosen = { command: "/usr/bin/python3", source: "path", version: "3.12.1" };
const none: NoPython = { tried: ["python3 (not found)", "python (not found)"], refused: [] };

function setup(interpreters: (Chosen | NoPython)[]) {
  const editor = new Editor();
  const servers: Server[] = [];
  const states: ServerState[] = [];
  let shownOutput = 0;
  const controller = new Controller({
    host: editor,
    log: () => undefined,
    showOutput: () => {
      shownOutput += 1;
    },
    status: (state) => states.push(state),
    findInterpreter: async () => interpreters.shift() ?? none,
    launch: () => {
      const server = new Server();
      servers.push(server);
      return server;
    },
  });
  return { editor, servers, states, controller, shownOutput: () => shownOutput };
}

test("a Pylance installed or updated is told to the running server; other extension changes are not", async () => {
  const { editor, servers, controller } = setup([python]);
  editor.versions.set(PYLANCE_EXTENSION, "2026.2.108");
  await controller.activate();
  const changed = async () => {
    for (const listener of editor.extensionsListeners) listener();
    await settle();
  };
  await changed(); // another extension: the same Pylance
  assert.equal(servers[0]?.configurationChanges, 0);
  editor.versions.set(PYLANCE_EXTENSION, "2026.3.1");
  await changed();
  assert.equal(servers[0]?.configurationChanges, 1);
  await changed();
  assert.equal(servers[0]?.configurationChanges, 1);
  editor.versions.delete(PYLANCE_EXTENSION); // uninstalled: the server hears that too
  await changed();
  assert.equal(servers[0]?.configurationChanges, 2);
  assert.equal(servers.length, 1, "no restart for an extension change");
  await controller.dispose();
});

test("the Test Explorer's project mode is told to the running server when either of its facts changes", async () => {
  const { editor, servers, controller } = setup([python]);
  await controller.activate();
  assert.deepEqual(editorReport(editor), {
    pylanceVersion: null,
    useEnvironmentsExtension: false,
    environmentsExtension: false,
  });
  const configChanged = async (section: string) => {
    for (const listener of editor.configListeners) listener((s) => s === section);
    await settle();
  };
  const extensionsChanged = async () => {
    for (const listener of editor.extensionsListeners) listener();
    await settle();
  };
  editor.useEnvs = true;
  await configChanged(USE_ENVIRONMENTS_SETTING);
  assert.equal(servers[0]?.configurationChanges, 1);
  await configChanged("python.analysis.extraPaths"); // another setting: nothing to tell
  assert.equal(servers[0]?.configurationChanges, 1);
  editor.extensions.add(ENVIRONMENTS_EXTENSION);
  await extensionsChanged();
  assert.equal(servers[0]?.configurationChanges, 2);
  assert.equal(editorReport(editor).environmentsExtension, true);
  assert.equal(servers.length, 1, "no restart for either");
  await controller.dispose();
});

test("every command answers after a failed start and a failed restart", async () => {
  const { editor, controller, servers, shownOutput } = setup([none, none, none]);
  await controller.activate();
  assert.deepEqual([...editor.commands.keys()].sort(), [CONFIGURE_COMMAND, EXPLAIN_COMMAND, RESTART_COMMAND, SHOW_OUTPUT_COMMAND].sort());
  await editor.executeCommand(RESTART_COMMAND);
  assert.equal(controller.running, false);
  await editor.executeCommand(SHOW_OUTPUT_COMMAND);
  assert.equal(shownOutput(), 1);
  const before = editor.messages.length;
  assert.equal(await editor.executeCommand(CONFIGURE_COMMAND), undefined);
  const said = editor.messages.slice(before);
  assert.equal(said.length, 1);
  assert.match(said[0].message, /^Configure Python Project needs the server\. pyproj-doctor needs Python 3\.10 or newer/);
  assert.equal(await editor.executeCommand(EXPLAIN_COMMAND), undefined);
  assert.match(editor.messages.at(-1)?.message ?? "", /^"Why does this import fail\?" needs the server\./);
  assert.equal(servers.length, 0);
});

test("Why does this import fail? sends the cursor's document and line, and previews the answer", async () => {
  const { editor, controller, servers } = setup([python]);
  await controller.activate();
  editor.editor = undefined;
  assert.equal(await editor.executeCommand(EXPLAIN_COMMAND), undefined);
  assert.match(editor.messages.at(-1)?.message ?? "", /cursor on an import in a Python file/);
  assert.deepEqual(servers[0].requests, []);

  editor.editor = { uri: "file:///w/app/tests/test_a.py", line: 2, languageId: "python" };
  servers[0].reply = { markdown: "| runner | verdict |", explanations: [] };
  await editor.executeCommand(EXPLAIN_COMMAND);
  assert.deepEqual(servers[0].requests.at(-1), [EXPLAIN_COMMAND, ["file:///w/app/tests/test_a.py", 2]]);
  assert.deepEqual(editor.previews, [{ title: "Why does this import fail - test_a.py:3", markdown: "| runner | verdict |" }]);

  servers[0].reply = { error: "tests/test_a.py:3: not an import", markdown: "x", explanations: [] };
  await editor.executeCommand(EXPLAIN_COMMAND);
  assert.equal(editor.previews.length, 1);
  assert.equal(editor.messages.at(-1)?.message, "pyproj-doctor: tests/test_a.py:3: not an import");

  servers[0].reply = null;
  await editor.executeCommand(EXPLAIN_COMMAND);
  assert.equal(editor.messages.at(-1)?.kind, "error");
});

test("no Python: the floor, and the actions that fit whether the Python extension is installed", async () => {
  const missing = setup([none]);
  missing.editor.memory.add("pyprojDoctor.pythonExtensionNoticeShown");
  await missing.controller.activate();
  await settle();
  const error = missing.editor.messages.find((m) => m.kind === "error");
  assert.ok(error);
  assert.match(error.message, /needs Python 3\.10 or newer .* Tried: python3 \(not found\), python \(not found\)/);
  assert.doesNotMatch(error.message, /Select an interpreter with the Python extension/);
  assert.deepEqual(error.actions, [INSTALL_PYTHON, OPEN_SETTING, RETRY]);

  const present = setup([none]);
  present.editor.extensions.add("ms-python.python");
  await present.controller.activate();
  await settle();
  assert.deepEqual(present.editor.messages.find((m) => m.kind === "error")?.actions, [SELECT_INTERPRETER, OPEN_SETTING, RETRY]);
});

test("Retry starts the server once Python is there; Open Setting opens the setting", async () => {
  const { editor, controller, servers, states } = setup([none, python]);
  editor.extensions.add("ms-python.python");
  editor.answer = (_message, actions) => (actions.includes(RETRY) ? RETRY : undefined);
  await controller.activate();
  await settle();
  assert.equal(servers.length, 1);
  assert.equal(servers[0].started, 1);
  assert.equal(controller.running, true);
  assert.deepEqual(states.at(-1), { kind: "checking" });

  const other = setup([none]);
  other.editor.extensions.add("ms-python.python");
  other.editor.answer = (_message, actions) => (actions.includes(OPEN_SETTING) ? OPEN_SETTING : undefined);
  await other.controller.activate();
  await settle();
  assert.deepEqual(other.editor.executed.at(-1), ["workbench.action.openSettings", { query: "pyprojDoctor.interpreter" }]);

  const remote = setup([none]);
  remote.editor.isRemote = true;
  remote.editor.answer = (_message, actions) => (actions.includes(OPEN_SETTING) ? OPEN_SETTING : undefined);
  await remote.controller.activate();
  await settle();
  assert.deepEqual(remote.editor.executed.at(-1), ["workbench.action.openRemoteSettings", { query: "pyprojDoctor.interpreter" }]);
});

test("the missing Python extension is reported once, with an install action", async () => {
  const first = setup([python]);
  first.editor.answer = (message, actions) => (message === PYTHON_EXTENSION_NOTICE ? actions[0] : undefined);
  await first.controller.activate();
  await settle();
  const notices = first.editor.messages.filter((m) => m.message === PYTHON_EXTENSION_NOTICE);
  assert.equal(notices.length, 1);
  assert.deepEqual(notices[0].actions, [INSTALL_PYTHON]);
  assert.match(notices[0].message, /no Pylance .* no Test Explorer/);
  assert.match(notices[0].message, /still work/);
  assert.deepEqual(first.editor.executed.at(-1), ["workbench.extensions.installExtension", "ms-python.python"]);

  const again = setup([python]);
  again.editor.memory = first.editor.memory;
  await again.controller.activate();
  assert.equal(again.editor.messages.filter((m) => m.message === PYTHON_EXTENSION_NOTICE).length, 0);
});

test("restarts stop the running server first, and only the interpreter setting restarts", async () => {
  const { editor, controller, servers } = setup([python, python, python, python]);
  editor.extensions.add("ms-python.python");
  await controller.activate();
  await Promise.all([editor.executeCommand(RESTART_COMMAND), editor.executeCommand(RESTART_COMMAND)]);
  assert.equal(servers.length, 3);
  assert.deepEqual(
    servers.map((s) => [s.started, s.stopped]),
    [[1, 1], [1, 1], [1, 0]],
  );
  editor.configListeners.forEach((listener) => listener((section) => section === "pyprojDoctor.select"));
  await settle();
  assert.equal(servers.length, 3);
  editor.configListeners.forEach((listener) => listener((section) => section === "pyprojDoctor.interpreter"));
  await settle();
  assert.equal(servers.length, 4);
  await controller.dispose();
  assert.equal(servers[3].stopped, 1);
  assert.equal(editor.commands.size, 0);
});

test("configure asks the server for the chosen folder and says what was written", async () => {
  const { editor, controller, servers } = setup([python]);
  editor.extensions.add("ms-python.python");
  editor.workspace = [
    { name: "app", path: "/w/app", uri: "file:///w/app" },
    { name: "app2", path: "/w/app2", uri: "file:///w/app2" },
  ];
  editor.picked = editor.workspace[1];
  await controller.activate();
  await editor.executeCommand(CONFIGURE_COMMAND);
  assert.deepEqual(servers[0].requests, [[CONFIGURE_COMMAND, ["file:///w/app2"]]]);
  assert.equal(editor.messages.at(-1)?.message, "pyproj-doctor wrote pyproject.toml, .vscode/settings.json.");

  editor.picked = undefined;
  await editor.executeCommand(CONFIGURE_COMMAND);
  assert.equal(servers[0].requests.length, 1);
});

test("configure's feedback covers every outcome", () => {
  assert.deepEqual(configuredMessage({ applied: true, files: ["pyproject.toml"], remaining: ["PD401: x"] }), {
    kind: "info",
    message: "pyproj-doctor wrote pyproject.toml. 1 finding(s) still need a decision: see the Problems view.",
  });
  assert.deepEqual(configuredMessage({ applied: false, files: ["pyproject.toml"], failureReason: "cancelled" }), {
    kind: "info",
    message: "pyproj-doctor changed nothing (cancelled).",
  });
  assert.equal(configuredMessage({ applied: false, files: [], remaining: [] }), undefined);
  assert.equal(configuredMessage(null)?.kind, "error");
});
