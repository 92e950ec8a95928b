// One folder: the status item from "checking…" to the Problems view's count, one import seen by
// every runner (the hover and "Why does this import fail?"), a lightbulb fix, a restart that
// leaves the Output channel free of non-errors, and Configure Python Project with one confirmation.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  agreedCount, channelText, clearToasts, current, expect, focusProblems, open, palette, screenshot, seedProject,
  statusItem, statusText, statusTooltip, step, toast, waitFor,
} from "../ui.mjs";

export default async function oneFolder(ctx) {
  const { page } = current();
  const project = path.join(ctx.work, "my-app");
  seedProject(project, "my-app");
  const seen = [];
  const watcher = setInterval(async () => {
    if (!page.url().includes("my-app")) return;
    const text = await statusText().catch(() => "");
    if (text && seen.at(-1) !== text) seen.push(text);
  }, 40);
  let initial;
  try {
    await open(`folder=${encodeURIComponent(project)}`, { trust: true });
    await focusProblems();
    await waitFor(async () => (await page.locator(".markers-panel").innerText()).includes("PD201"), "PD201 in the Problems view", 90000);
    initial = await agreedCount("one folder");
  } finally {
    clearInterval(watcher);
  }
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
  ctx.result("status checking → count (single folder)", `${seen.join(" → ")}`);
  await screenshot("problems");

  await explainImport(ctx);

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
  await screenshot("quick-fix");
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
  const starts = () => channelText().split("Starting the server with").length - 1;
  const startsBefore = starts();
  await clearToasts();
  await palette("pyproj-doctor: Restart Server");
  await waitFor(() => starts() > startsBefore, "the restart in the Output channel", 60000, 250);
  await agreedCount("after the restart");
  await palette("pyproj-doctor: Show Output");
  await page.waitForTimeout(1500);
  const channel = channelText();
  expect(channel.length > 0, "the pyproj-doctor Output channel log was not found");
  for (const noise of ["exited with code 0", "Cancel notification for unknown message id"]) {
    expect(!channel.includes(noise), `Output channel holds "${noise}"`);
  }
  // Normal use (a quick fix, code actions cancelled as the cursor moves) and a restart: no error at all.
  const channelErrors = channel.split("\n").filter((line) => /\[(Error|Warn)\b|Traceback/.test(line));
  expect(channelErrors.length === 0, `the Output channel holds errors after normal use and a restart:\n${channelErrors.join("\n")}`);
  expect(channel.includes("Starting the server with"), "the Output channel does not show the restart");
  step("a restart logs no error-that-is-not-an-error in the Output channel");

  // Configure Python Project: one dialog, one click on Apply, files written, feedback given.
  await palette("pyproj-doctor: Configure Python Project");
  const dialog = page.locator(".monaco-dialog-box", { hasText: "Configure Python Project" });
  await dialog.waitFor({ timeout: 60000 });
  const dialogText = await dialog.innerText();
  expect(dialogText.includes("pyproject.toml") && dialogText.includes(".vscode/extensions.json"), `dialog: ${dialogText}`);
  await screenshot("configure-confirm");
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
  ctx.result("configure feedback", writtenText.split("\n")[0]);
  await screenshot("configured");
}

// The seeded test imports `my_app` from `src`, which no pytest configuration puts on sys.path:
// plain pytest and the Test Explorer fail, Pylance finds it through autoSearchPaths, uv does not
// manage the project, and the setting responsible is pytest's `pythonpath`.
const EXPECTED_ROWS = {
  "plain pytest": "fails",
  "Test Explorer": "fails",
  "Pylance/pyright": "resolves",
  "uv run pytest": "not applicable",
};

/** runner -> verdict of each row of the rendered table, from the text of its cells. */
function rowsOf(cells) {
  return Object.fromEntries(cells.filter((row) => row.length >= 2).map((row) => [row[0].trim(), row[1].trim()]));
}

function expectExplained(what, rows, text) {
  for (const [runner, verdict] of Object.entries(EXPECTED_ROWS)) {
    expect(rows[runner] === verdict, `${what}: ${runner} is "${rows[runner]}", not "${verdict}":\n${text}`);
  }
  expect(/src\/my_app \(found through autoSearchPaths/.test(text), `${what}: Pylance's row does not name autoSearchPaths:\n${text}`);
  expect(/Diverges at\s+Pylance\/pyright/.test(text), `${what}: no divergence at Pylance/pyright:\n${text}`);
  expect(text.includes("Setting responsible: pythonpath (no pytest configuration found)"), `${what}: the setting responsible is not pytest's pythonpath:\n${text}`);
}

async function explainImport(ctx) {
  const { page } = current();
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+P");
  await page.keyboard.type("test_main.py");
  await page.waitForSelector('.quick-input-list .monaco-list-row:has-text("test_main.py")');
  await page.keyboard.press("Enter");
  const token = page.locator(".monaco-editor .view-line span", { hasText: /^\s*my_app\s*$/ }).first();
  await token.waitFor({ timeout: 30000 });
  // The mouse on the module name, as a user hovers it: the server answers with the table.
  const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "uv run pytest" }).first();
  const started = Date.now();
  await waitFor(
    async () => {
      await page.mouse.move(0, 0);
      await token.hover();
      return hover.waitFor({ timeout: 3000 }).then(() => true);
    },
    "the hover on `my_app`",
    60000,
  );
  const hoverMs = Date.now() - started;
  const hoverText = await hover.innerText();
  const hoverRows = rowsOf(await hover.locator("tr").evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText))));
  expectExplained("the hover", hoverRows, hoverText);
  await screenshot("explain-hover");
  step(`hover on my_app: ${JSON.stringify(hoverRows)}`);

  // "Why does this import fail?" with the cursor on the import: the same table in a markdown preview.
  await page.mouse.move(0, 0);
  await token.click();
  await palette("pyproj-doctor: Why does this import fail?");
  const tab = page.locator(".tabs-container .tab", { hasText: "test_main.py:1" }).first();
  await tab.waitFor({ timeout: 30000 });
  const preview = await waitFor(
    async () => {
      for (const frame of page.frames()) {
        const text = await frame.locator("body").innerText({ timeout: 1000 }).catch(() => "");
        if (text.includes("uv run pytest") && text.includes("Setting responsible")) return frame;
      }
      return undefined;
    },
    "the markdown preview of the explanation",
    30000,
    250,
  );
  const previewText = await preview.locator("body").innerText();
  const previewRows = rowsOf(await preview.locator("tr").evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText))));
  expectExplained("the preview", previewRows, previewText);
  expect(previewText.includes("first-party: src/my_app"), `the preview does not name the first-party package:\n${previewText}`);
  await screenshot("explain-preview");
  step(`"Why does this import fail?": ${JSON.stringify(previewRows)}`);
  ctx.result("explain hover (first answer)", `${hoverMs} ms`);
  await palette("View: Close All Editors");
}
