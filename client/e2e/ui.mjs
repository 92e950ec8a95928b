// Shared helpers of the end-to-end test: files on disk, one code-server with our .vsix, and the
// workbench as a user sees it. The page-bound helpers (palette, toast, problemsCount, …) act on
// the page of the code-server started by startCodeServer(); scenarios import them from here.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";

export const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
export const artifacts = path.resolve("test-results");

export const step = (message) => console.log(`e2e: ${message}`);

export async function waitFor(check, what, timeout = 60000, interval = 100) {
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

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// --- files on disk ------------------------------------------------------------------------
export function write(root, rel, text, mode) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (mode) fs.chmodSync(file, mode);
}

/** A small src-layout project with a pytest test; as seeded it has PD201, PD304 and PD401.
 *  Its team keeps an (empty) recommendations list, so PD304/PD401 are team advice (information,
 *  in the Problems view); without a shared .vscode they would be hints. */
export function seedProject(root, name) {
  write(
    root,
    "pyproject.toml",
    `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[dependency-groups]\ndev = [\n    "pytest>=9.0.3",\n]\n`,
  );
  const pkg = name.replace(/-/g, "_");
  write(root, `src/${pkg}/__init__.py`, 'def main() -> str:\n    return "hi"\n');
  write(root, "tests/test_main.py", `from ${pkg} import main\n\n\ndef test_main():\n    assert main() == "hi"\n`);
  write(root, ".vscode/extensions.json", '{\n  "recommendations": []\n}\n');
}

/** The same project after Configure Python Project: pyproj-doctor finds nothing in it. */
export function seedHealthyProject(root, name) {
  seedProject(root, name);
  write(root, "pyproject.toml", fs.readFileSync(path.join(root, "pyproject.toml"), "utf8") + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n');
  write(root, ".vscode/extensions.json", '{\n    "recommendations": ["ms-python.python", "tamasfe.even-better-toml"]\n}\n');
  write(
    root,
    ".vscode/settings.json",
    '{\n    "python.testing.pytestEnabled": true,\n    "python.testing.unittestEnabled": false,\n    "python.testing.pytestArgs": ["tests"]\n}\n',
  );
}

/** Every file under dir (recursive); [] when it does not exist. */
export function filesUnder(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.push(full);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found;
}

// --- code-server ----------------------------------------------------------------------------
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

let session;

/** The running code-server: { page, port, work, userData, extensions, python, … }. */
export function current() {
  if (!session) throw new Error("code-server is not started");
  return session;
}

/**
 * Starts code-server with our .vsix installed, on a PATH without Python (so the extension finds
 * none until pyprojDoctor.interpreter is set), and headless Chromium on a blank page.
 */
export async function startCodeServer({ codeServer, vsix, python }) {
  fs.mkdirSync(artifacts, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pyproj-doctor-e2e-"));
  const userData = path.join(work, "user-data");
  const extensions = path.join(work, "extensions");
  const settingsFile = path.join(userData, "User", "settings.json");
  writeJson(settingsFile, baseSettings);
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
    // The server and the client append their timed steps here (see server/pyproj_doctor/lsp/trace.py).
    PYPROJ_DOCTOR_TRACE: path.join(work, "trace.log"),
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
  // Its output and the extension hosts' stderr, where an extension's unhandled errors land.
  const serverLog = path.join(artifacts, "code-server.log");
  const logFd = fs.openSync(serverLog, "w");
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
    { env, detached: true, stdio: ["ignore", logFd, logFd] },
  );
  session = { work, userData, extensions, settingsFile, serverLog, port, server, python, trace: env.PYPROJ_DOCTOR_TRACE, browser: undefined, page: undefined };
  await waitFor(async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    } catch {
      return false;
    }
  }, "code-server to listen");
  session.browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ],
  });
  session.page = await session.browser.newPage({ viewport: { width: 1400, height: 900 } });
  return session;
}

export async function stopCodeServer() {
  if (!session) return;
  await session.browser?.close().catch(() => {});
  try {
    process.kill(-session.server.pid, "SIGTERM");
  } catch {}
  if (!process.env.E2E_KEEP) fs.rmSync(session.work, { recursive: true, force: true });
  session = undefined;
}

/** Writes `value` as JSON through a temporary file, so VS Code never reads a half-written file. */
function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

function mergeInto(file, extra) {
  const now = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  writeJson(file, { ...now, ...extra });
}

/** Merges `extra` into the user settings.json (VS Code picks the change up while it runs). */
export function userSettings(extra) {
  mergeInto(current().settingsFile, extra);
}

/**
 * Merges `extra` into the Remote settings (<user-data>/Machine/settings.json). code-server windows
 * are remote: there, machine-scoped settings such as pyprojDoctor.interpreter count only from the
 * Remote settings (where "Open Setting" takes the user), not from the user settings.
 */
export function remoteSettings(extra) {
  mergeInto(path.join(current().userData, "Machine", "settings.json"), extra);
}

/** Every file code-server logged under the user-data dir (window, extension host, Output channels). */
export function outputLog() {
  return filesUnder(path.join(current().userData, "logs"));
}

/** The text of our Output channel, over every window so far. */
export function channelText() {
  return outputLog()
    .filter((f) => /pyproj-doctor\.log$/.test(f))
    .map((f) => fs.readFileSync(f, "utf8"))
    .join("\n");
}

// --- the workbench, as a user sees it -------------------------------------------------------
export const statusItem = () => current().page.locator('.statusbar-item[id*="pyprojDoctor.status"]').first();
export const statusText = async () => ((await statusItem().innerText({ timeout: 2000 }).catch(() => "")) || "").trim();

/** The status item's accessible label: its text and its tooltip. */
export async function statusTooltip() {
  return (await statusItem().getAttribute("aria-label").catch(() => null)) ?? "";
}

export async function palette(command) {
  const { page } = current();
  await page.keyboard.press("Escape");
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget:not([style*='display: none']) input", { timeout: 20000 });
  await page.keyboard.type(command);
  await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${command}")`, { timeout: 20000 });
  await page.keyboard.press("Enter");
}

export function toast(text) {
  return current().page.locator(".notifications-toasts .notification-toast", { hasText: text }).first();
}

export async function toastButtons(text) {
  const item = toast(text);
  await item.waitFor({ timeout: 60000 });
  return (await item.locator(".monaco-button").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
}

export async function clearToasts() {
  await palette("Notifications: Clear All Notifications").catch(() => undefined);
}

/** What the Problems view lists (errors + warnings + infos), from the workbench's own problem counters. */
export async function problemsCount() {
  const entry = current().page.locator('[id="status.problems"]').first();
  const text = await entry.innerText({ timeout: 5000 });
  return [...text.matchAll(/\d+/g)].reduce((sum, m) => sum + Number(m[0]), 0);
}

export async function statusCount() {
  const match = /pyproj-doctor: (\d+)/.exec(await statusText());
  return match ? Number(match[1]) : /\bpyproj-doctor$/.test(await statusText()) ? 0 : undefined;
}

/**
 * Opens a window on `query` ("folder=…" or "workspace=…", URI-encoded) and answers the trust
 * prompt. The prompt shows for every new folder (security.workspace.trust.startupPrompt).
 */
export async function open(query, { trust }) {
  const { page, port } = current();
  await page.goto(`http://127.0.0.1:${port}/?${query}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 120000 });
  const button = page.locator(".monaco-dialog-box .monaco-button", {
    hasText: trust ? "Yes, I trust the authors" : "No, I don't trust the authors",
  });
  await button.first().waitFor({ timeout: 60000 });
  await button.first().click();
  await page.locator(".monaco-dialog-box").first().waitFor({ state: "detached", timeout: 10000 });
}

export async function focusProblems() {
  await palette("View: Focus Problems");
  await current().page.waitForSelector(".markers-panel", { timeout: 30000 });
}

/** Waits until the status item and the Problems view agree on a non-zero count; returns it. */
export async function agreedCount(what) {
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

/** Saves a screenshot of the page to test-results/<name>.png. */
export async function screenshot(name) {
  await current().page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}
