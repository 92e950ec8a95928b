// End-to-end: our .vsix in a real VS Code (code-server) driven through its UI in headless Chromium.
// Usage: node client/e2e/run.mjs <code-server> <extension.vsix> <python>
// One code-server whose PATH has no Python, so the extension finds none until the user sets
// pyprojDoctor.interpreter. Scenarios, each asserted as a user would see it:
//   1. no Python: the error with the actions that fit; the missing Python extension said once;
//      a failed restart, after which every command answers; then "Open Setting" and the path fix it;
//   2. one folder: the status item from "checking…" to the Problems view's count, a lightbulb
//      fix, a restart that leaves the Output channel free of non-errors, and Configure Python
//      Project with one confirmation.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";

const [codeServer, vsix, pythonCommand] = process.argv.slice(2);
// The interpreter itself (not a pyenv shim, which needs more than the test's PATH).
const python = execFileSync(pythonCommand, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const artifacts = path.resolve("test-results");
fs.mkdirSync(artifacts, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pyproj-doctor-e2e-"));
const results = [];
const step = (message) => console.log(`e2e: ${message}`);

function write(root, rel, text, mode) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (mode) fs.chmodSync(file, mode);
}

function seedProject(root, name) {
  write(
    root,
    "pyproject.toml",
    `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[dependency-groups]\ndev = [\n    "pytest>=9.0.3",\n]\n`,
  );
  const pkg = name.replace(/-/g, "_");
  write(root, `src/${pkg}/__init__.py`, 'def main() -> str:\n    return "hi"\n');
  write(root, "tests/test_main.py", `from ${pkg} import main\n\n\ndef test_main():\n    assert main() == "hi"\n`);
}

// --- workspaces on disk -------------------------------------------------------------------
const noPython = path.join(work, "no-python");
seedProject(noPython, "no-python");
const project = path.join(work, "my-app");
seedProject(project, "my-app");
// A team that shares VS Code settings keeps a recommendations list: PD304/PD401 are then
// team advice (information, in the Problems view); without one they are hints.
write(project, ".vscode/extensions.json", '{\n  "recommendations": []\n}\n');
// --- code-server, with a PATH that has no Python ------------------------------------------
const userData = path.join(work, "user-data");
const extensions = path.join(work, "extensions");
const settingsFile = path.join(userData, "User", "settings.json");
const baseSettings = {
  "chat.disableAIFeatures": true,
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "files.autoSave": "off",
  "security.workspace.trust.startupPrompt": "always",
  "security.workspace.trust.untrustedFiles": "open",
  "git.enabled": false,
};
const writeSettings = (extra) => {
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify({ ...baseSettings, ...extra }, null, 2));
};
writeSettings({});
const bin = path.join(work, "bin");
fs.mkdirSync(bin);
for (const tool of ["node", "sh", "bash", "rg", "ps", "env", "uname", "cat", "ls", "git"]) {
  const found = ["/usr/local/bin", "/usr/bin", "/bin"].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
  if (found) fs.symlinkSync(found, path.join(bin, tool));
}
// VS Code's server re-reads the environment from a login shell, which would put /usr/bin back on
// PATH: its shell here runs the command as is, without profile scripts.
write(bin, "no-profile-shell", '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -c) shift; exec /bin/sh -c "$1";; *) shift;; esac; done\n', 0o755);
const env = {
  ...process.env,
  PATH: bin,
  SHELL: path.join(bin, "no-profile-shell"),
  XDG_CONFIG_HOME: path.join(work, "config"),
  XDG_DATA_HOME: path.join(work, "data"),
  XDG_CACHE_HOME: path.join(work, "cache"),
};
for (const tool of ["python3", "python"]) {
  if (fs.existsSync(path.join(bin, tool))) throw new Error(`${tool} must not be on the test PATH`);
}
execFileSync(process.execPath, [codeServer, "--install-extension", vsix, "--extensions-dir", extensions, "--user-data-dir", userData], {
  env,
  stdio: "inherit",
});

const port = await new Promise((resolve) => {
  const server = net.createServer();
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const server = spawn(
  process.execPath,
  [
    codeServer,
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--extensions-dir", extensions,
    "--user-data-dir", userData,
  ],
  { env, detached: true, stdio: ["ignore", fs.openSync(path.join(artifacts, "code-server.log"), "w"), "inherit"] },
);

let browser;
let page;
let failed = false;

async function waitFor(check, what, timeout = 60000, interval = 100) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// --- UI helpers ---------------------------------------------------------------------------
const statusItem = () => page.locator('.statusbar-item[id*="pyprojDoctor.status"]').first();
const statusText = async () => ((await statusItem().innerText({ timeout: 2000 }).catch(() => "")) || "").trim();

/** The status item's accessible label: its text and its tooltip. */
async function statusTooltip() {
  return (await statusItem().getAttribute("aria-label").catch(() => null)) ?? "";
}

async function palette(command) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget:not([style*='display: none']) input", { timeout: 20000 });
  await page.keyboard.type(command);
  await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${command}")`, { timeout: 20000 });
  await page.keyboard.press("Enter");
}

function toast(text) {
  return page.locator(".notifications-toasts .notification-toast", { hasText: text }).first();
}

async function toastButtons(text) {
  const item = toast(text);
  await item.waitFor({ timeout: 60000 });
  return (await item.locator(".monaco-button").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
}

async function clearToasts() {
  await palette("Notifications: Clear All Notifications").catch(() => undefined);
}

/** What the Problems view lists (errors + warnings + infos), from the workbench's own problem counters. */
async function problemsCount() {
  const entry = page.locator('[id="status.problems"]').first();
  const text = await entry.innerText({ timeout: 5000 });
  return [...text.matchAll(/\d+/g)].reduce((sum, m) => sum + Number(m[0]), 0);
}

async function statusCount() {
  const match = /pyproj-doctor: (\d+)/.exec(await statusText());
  return match ? Number(match[1]) : /\bpyproj-doctor$/.test(await statusText()) ? 0 : undefined;
}

async function open(query, { trust }) {
  await page.goto(`http://127.0.0.1:${port}/?${query}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 120000 });
  const button = page.locator(".monaco-dialog-box .monaco-button", {
    hasText: trust ? "Yes, I trust the authors" : "No, I don't trust the authors",
  });
  await button.first().waitFor({ timeout: 60000 });
  await button.first().click();
  await page.locator(".monaco-dialog-box").first().waitFor({ state: "detached", timeout: 10000 });
}

async function focusProblems() {
  await palette("View: Focus Problems");
  await page.waitForSelector(".markers-panel", { timeout: 30000 });
}

/** Waits until the status item and the Problems view agree on a non-zero count; returns it. */
async function agreedCount(what) {
  return waitFor(
    async () => {
      const shown = await problemsCount();
      const status = await statusCount();
      return shown > 0 && status === shown ? shown : undefined;
    },
    `${what}: the status item to agree with the Problems view (status "${await statusText()}", Problems ${await problemsCount().catch(() => "?")})`,
    120000,
    250,
  );
}

function outputLog() {
  const logs = path.join(userData, "logs");
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.push(full);
    }
  };
  if (fs.existsSync(logs)) walk(logs);
  return found;
}

try {
  await waitFor(async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    } catch {
      return false;
    }
  }, "code-server to listen");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

  // 1. No Python anywhere: the right message and actions; commands answer after a failed restart.
  await open(`folder=${encodeURIComponent(noPython)}`, { trust: true });
  step("no-python window loaded");
  const noPythonActions = await toastButtons("needs Python 3.10 or newer");
  expect(
    JSON.stringify(noPythonActions) === JSON.stringify(["Install Python Extension", "Open Setting", "Retry"]),
    `no-Python actions: ${JSON.stringify(noPythonActions)}`,
  );
  const noPythonText = await toast("needs Python 3.10 or newer").innerText();
  expect(!noPythonText.includes("Select an interpreter with the Python extension"), "offers the Python extension it does not have");
  const noticeActions = await toastButtons("Python extension (ms-python.python) is not installed");
  expect(noticeActions.includes("Install Python Extension"), `Python extension notice actions: ${noticeActions}`);
  const notice = await toast("Python extension (ms-python.python) is not installed").innerText();
  expect(/Pylance/.test(notice) && /Test Explorer/.test(notice) && /still work/.test(notice), `notice: ${notice}`);
  step("no Python: message with Install Python Extension / Open Setting / Retry; missing Python extension reported");
  await page.screenshot({ path: path.join(artifacts, "no-python.png") });
  expect((await statusText()).includes("pyproj-doctor"), "status item missing");
  await clearToasts();
  await palette("pyproj-doctor: Restart Server");
  await toast("needs Python 3.10 or newer").waitFor({ timeout: 60000 });
  step("restart without Python failed as expected");
  await clearToasts();
  await palette("pyproj-doctor: Configure Python Project");
  await toast("Configure Python Project needs the server").waitFor({ timeout: 30000 });
  expect((await page.locator(".notifications-toasts", { hasText: /command '[^']*' not found/ }).count()) === 0, "a command was not found");
  await clearToasts();
  await palette("pyproj-doctor: Show Output");
  await page.locator(".part.panel .monaco-editor .view-lines", { hasText: "needs Python 3.10" }).first().waitFor({ timeout: 30000 });
  step("after the failed restart every command answers (Configure explains, Show Output shows, Restart retries)");
  // The fix a user makes: "Open Setting" from the message, type the interpreter's path.
  await clearToasts();
  await palette("pyproj-doctor: Restart Server");
  const openSetting = toast("needs Python 3.10 or newer").locator(".monaco-button", { hasText: "Open Setting" });
  await openSetting.first().waitFor({ timeout: 60000 });
  await openSetting.first().click();
  const input = page.locator('.settings-editor .setting-item-contents:has-text("Interpreter") input').first();
  await input.waitFor({ timeout: 30000 });
  await input.fill(python);
  await input.press("Tab");
  await focusProblems();
  const recovered = await agreedCount("after the setting names a Python");
  step(`setting pyprojDoctor.interpreter starts the server: ${recovered} findings`);
  results.push(["no Python → setting → findings", recovered]);

  // 2. One folder: checking → count, quick fix, configure with one confirmation, extension page.
  const seen = [];
  const watcher = setInterval(async () => {
    if (!page.url().includes("my-app")) return;
    const text = await statusText().catch(() => "");
    if (text && seen.at(-1) !== text) seen.push(text);
  }, 40);
  await open(`folder=${encodeURIComponent(project)}`, { trust: true });
  await focusProblems();
  await waitFor(async () => (await page.locator(".markers-panel").innerText()).includes("PD201"), "PD201 in the Problems view", 90000);
  const initial = await agreedCount("one folder");
  clearInterval(watcher);
  const checkingAt = seen.findIndex((t) => t.includes("checking…"));
  const countAt = seen.findIndex((t) => new RegExp(`pyproj-doctor: ${initial}$`).test(t));
  expect(checkingAt >= 0 && countAt > checkingAt, `status went ${JSON.stringify(seen)}`);
  expect(!seen.slice(0, countAt).includes("pyproj-doctor"), `status claimed "set up" before the first result: ${JSON.stringify(seen)}`);
  const problemsText = await page.locator(".markers-panel").innerText();
  for (const code of ["PD201", "PD304", "PD401"]) expect(problemsText.includes(code), `${code} missing from the Problems view`);
  const icon = await statusItem().locator(".codicon").first().getAttribute("class");
  const errors = /(\d+) error/.exec(await statusTooltip());
  step(`status: ${JSON.stringify(seen)}; icon ${icon}; Problems count ${initial}`);
  expect(!errors || icon.includes("codicon-error"), `icon ${icon} while there are errors`);
  results.push(["status checking → count (single folder)", `${seen.join(" → ")}`]);
  await page.screenshot({ path: path.join(artifacts, "problems.png") });

  // The lightbulb quick fix for PD304 writes .vscode/settings.json.
  await page.keyboard.press("Control+P");
  await page.keyboard.type("pyproject.toml");
  await page.waitForSelector('.quick-input-list .monaco-list-row:has-text("pyproject.toml")');
  await page.keyboard.press("Enter");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
  await page.waitForTimeout(1000);
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("Control+.");
  const fixRow = page.locator('.action-widget .monaco-list-row:has-text("PD304")');
  await fixRow.first().waitFor({ timeout: 30000 });
  await page.screenshot({ path: path.join(artifacts, "quick-fix.png") });
  for (let i = 0; i < 20; i++) {
    const focused = await page.locator(".action-widget .monaco-list-row.focused").first().innerText().catch(() => "");
    if (focused.includes("PD304")) break;
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Enter");
  await palette("File: Save All");
  const settings = path.join(project, ".vscode", "settings.json");
  await waitFor(() => fs.existsSync(settings) && fs.readFileSync(settings, "utf8").includes("pytestEnabled"), "settings.json on disk", 30000);
  step("quick fix wrote .vscode/settings.json");

  // A normal restart leaves no error in the Output channel.
  const starts = () =>
    outputLog()
      .filter((f) => /pyproj-doctor\.log$/.test(f))
      .map((f) => fs.readFileSync(f, "utf8").split("Starting the server with").length - 1)
      .reduce((a, b) => a + b, 0);
  const startsBefore = starts();
  await clearToasts();
  await palette("pyproj-doctor: Restart Server");
  await waitFor(() => starts() > startsBefore, "the restart in the Output channel", 60000, 250);
  await agreedCount("after the restart");
  await palette("pyproj-doctor: Show Output");
  await page.waitForTimeout(1500);
  const channelFiles = outputLog().filter((f) => /pyproj-doctor\.log$/.test(f));
  expect(channelFiles.length > 0, "the pyproj-doctor Output channel log was not found");
  const channel = channelFiles.map((f) => fs.readFileSync(f, "utf8")).join("\n");
  for (const noise of ["exited with code 0", "Cancel notification for unknown message id"]) {
    expect(!channel.includes(noise), `Output channel holds "${noise}"`);
  }
  expect(channel.includes("Starting the server with"), "the Output channel does not show the restart");
  step("a restart logs no error-that-is-not-an-error in the Output channel");

  // Configure Python Project: one dialog, one click on Apply, files written, feedback given.
  await palette("pyproj-doctor: Configure Python Project");
  const dialog = page.locator(".monaco-dialog-box", { hasText: "Configure Python Project" });
  await dialog.waitFor({ timeout: 60000 });
  const dialogText = await dialog.innerText();
  expect(dialogText.includes("pyproject.toml") && dialogText.includes(".vscode/extensions.json"), `dialog: ${dialogText}`);
  await page.screenshot({ path: path.join(artifacts, "configure-confirm.png") });
  await dialog.locator(".monaco-button", { hasText: "Apply" }).first().click();
  const written = toast("pyproj-doctor wrote");
  await written.waitFor({ timeout: 60000 });
  const writtenText = await written.innerText();
  const extensionsJson = path.join(project, ".vscode", "extensions.json");
  await waitFor(
    () =>
      fs.existsSync(extensionsJson) &&
      fs.readFileSync(extensionsJson, "utf8").includes("ms-python.python") &&
      fs.readFileSync(path.join(project, "pyproject.toml"), "utf8").includes('pythonpath = ["src"]'),
    "the configured project on disk (saved, without Save All)",
    30000,
  );
  expect((await page.locator(".bulk-edit-panel").count()) === 0 || !(await page.locator(".bulk-edit-panel").first().isVisible()), "the refactor preview opened");
  step(`Configure Python Project: one confirmation, files on disk, feedback "${writtenText.split("\n")[0]}"`);
  results.push(["configure feedback", writtenText.split("\n")[0]]);
  await page.screenshot({ path: path.join(artifacts, "configured.png") });

} catch (error) {
  failed = true;
  console.error(error);
  try {
    if (page) await page.screenshot({ path: path.join(artifacts, "failure.png") });
  } catch {}
} finally {
  await browser?.close().catch(() => {});
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {}
  if (!process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
}
for (const [what, value] of results) console.log(`e2e result: ${what}: ${value}`);
console.log(failed ? "e2e: 0 passed, 1 failed" : "e2e: 1 passed, 0 failed");
process.exit(failed ? 1 : 0);
