// End-to-end: our .vsix in a real VS Code (code-server) driven through its UI in headless Chromium.
// Usage: node client/e2e/run.mjs <code-server> <extension.vsix> <python>
// Asserts, as a user would see it: the Problems view lists our findings for the seed-style project,
// the lightbulb quick fix writes .vscode/settings.json, and "Configure Python Project" from the
// command palette (through VS Code's refactor preview) produces the full setup. Saves a screenshot.
import { spawn, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";

const [codeServer, vsix, python] = process.argv.slice(2);
const artifacts = path.resolve("test-results");
fs.mkdirSync(artifacts, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pyproj-doctor-e2e-"));
const project = path.join(work, "my-app");

function write(rel, text) {
  const file = path.join(project, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
write(
  "pyproject.toml",
  '[project]\nname = "my-app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[dependency-groups]\ndev = [\n    "pytest>=9.0.3",\n]\n',
);
write("src/my_app/__init__.py", 'def main() -> str:\n    return "hi"\n');
write("tests/test_main.py", 'from my_app import main\n\n\ndef test_main():\n    assert main() == "hi"\n');

const userData = path.join(work, "user-data");
const extensions = path.join(work, "extensions");
fs.mkdirSync(path.join(userData, "User"), { recursive: true });
fs.writeFileSync(
  path.join(userData, "User", "settings.json"),
  JSON.stringify({
    "chat.disableAIFeatures": true,
    "extensions.autoUpdate": false,
    "extensions.autoCheckUpdates": false,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "telemetry.telemetryLevel": "off",
    "files.autoSave": "off",
    "pyprojDoctor.interpreter": python,
  }),
);
const env = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(work, "config"),
  XDG_DATA_HOME: path.join(work, "data"),
  XDG_CACHE_HOME: path.join(work, "cache"),
};
execFileSync(codeServer, ["--install-extension", vsix, "--extensions-dir", extensions, "--user-data-dir", userData], {
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
  codeServer,
  [
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--extensions-dir", extensions,
    "--user-data-dir", userData,
    project,
  ],
  { env, detached: true, stdio: ["ignore", fs.openSync(path.join(artifacts, "code-server.log"), "w"), "inherit"] },
);

let browser;
let failed = false;
const step = (message) => console.log(`e2e: ${message}`);
async function waitFor(check, what, timeout = 60000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
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
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(project)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 120000 });
  step("workbench loaded");

  const palette = async (command) => {
    await page.keyboard.press("F1");
    await page.waitForSelector(".quick-input-widget:not([style*='display: none']) input", { timeout: 20000 });
    await page.keyboard.type(command);
    await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${command}")`, { timeout: 20000 });
    await page.keyboard.press("Enter");
  };

  // 1. The Problems view lists our findings.
  await palette("View: Focus Problems");
  await page.waitForSelector(".markers-panel", { timeout: 30000 });
  await waitFor(async () => (await page.locator(".markers-panel").innerText()).includes("PD201"), "PD201 in the Problems view", 90000);
  const problems = await page.locator(".markers-panel").innerText();
  for (const code of ["PD201", "PD304", "PD401"]) {
    if (!problems.includes(code)) throw new Error(`${code} missing from the Problems view:\n${problems}`);
  }
  step("Problems view lists PD201, PD304, PD401");
  await page.screenshot({ path: path.join(artifacts, "problems.png") });

  // 2. The lightbulb quick fix for PD304 writes .vscode/settings.json.
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
  // Choose it with the keyboard, as the widget's pointer guard blocks synthetic clicks.
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

  // 3. "Configure Python Project" through the refactor preview.
  await palette("pyproj-doctor: Configure Python Project");
  const apply = page.locator('.bulk-edit-panel .monaco-button:has-text("Apply")');
  await apply.first().waitFor({ timeout: 60000 });
  await page.screenshot({ path: path.join(artifacts, "refactor-preview.png") });
  // Changes that need confirmation start unticked: tick every file, as the user would.
  const files = page.locator(".bulk-edit-panel .monaco-list-row[aria-level='1'] input.edit-checkbox");
  await waitFor(async () => (await files.count()) >= 3, "the files in the refactor preview", 20000);
  for (let i = 0; i < (await files.count()); i++) {
    if (!(await files.nth(i).isChecked())) await files.nth(i).click();
  }
  await apply.first().click();
  await page.waitForTimeout(1500);
  await page.locator(".monaco-editor .view-lines").first().click();
  await palette("File: Save All");
  const extensionsJson = path.join(project, ".vscode", "extensions.json");
  await waitFor(
    () =>
      fs.existsSync(extensionsJson) &&
      fs.readFileSync(extensionsJson, "utf8").includes("ms-python.python") &&
      fs.readFileSync(path.join(project, "pyproject.toml"), "utf8").includes('pythonpath = ["src"]'),
    "the configured project on disk",
    60000,
  );
  step("Configure Python Project wrote the full setup");
  await palette("View: Focus Problems");
  await page.waitForTimeout(2000);
  await page.screenshot({ path: path.join(artifacts, "configured.png") });
} catch (error) {
  failed = true;
  console.error(error);
  try {
    const pages = browser?.contexts()[0]?.pages() ?? [];
    if (pages[0]) await pages[0].screenshot({ path: path.join(artifacts, "failure.png") });
  } catch {}
} finally {
  await browser?.close().catch(() => {});
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {}
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(failed ? "e2e: 0 passed, 1 failed" : "e2e: 1 passed, 0 failed");
process.exit(failed ? 1 : 0);
