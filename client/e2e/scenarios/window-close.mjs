// Reloading and closing a window with the server running and pyproject.toml open in an editor
// (VS Code asks for its code actions as the window goes): the extension host shuts our extension
// down without an error. Nothing from it in the extension hosts' logs (every window of the run so
// far: each was closed when the next one opened), our Output channel, or code-server's own
// output (where an extension host's stderr lands): no "Channel has been closed", no "[error]",
// no "provider FAILED", no error from the language client.
import * as fs from "node:fs";
import * as path from "node:path";
import { agreedCount, current, expect, filesUnder, focusProblems, open, palette, seedProject, step, waitFor } from "../ui.mjs";

// Where our code shows up in a log entry: the installed extension's folder (its stack frames),
// our language client's name, our commands and settings.
// (Not the test's own folders: /tmp/pyproj-doctor-e2e-…, ~/.cache/pyproj-doctor/code-server-….)
const OURS = /pyproj-doctor\.pyproj-doctor|pyprojDoctor|pyproj-doctor(?![-/])/;
const BAD = /\[error\]|Channel has been closed|Pending response rejected|Connection got disposed|write after end|EPIPE/i;

/** A log's entries: a timestamped line with the lines (a stack trace) that follow it. */
function entries(file) {
  const found = [];
  for (const line of lines(file)) {
    if (/^\d{4}-\d\d-\d\d /.test(line) || found.length === 0) found.push(line);
    else found[found.length - 1] += `\n${line}`;
  }
  return found;
}

/** The extension hosts' own logs (one folder per window), newest last. */
function hostLogs() {
  const { userData } = current();
  return filesUnder(path.join(userData, "logs"))
    .filter((f) => /remoteexthost\.log$/.test(f))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
}

function lines(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
}

export default async function windowClose(ctx) {
  const { page, userData, serverLog } = current();
  const folder = path.join(ctx.work, "closing");
  seedProject(folder, "closing");
  const logsBefore = new Set(hostLogs());
  const serverLogStart = fs.statSync(serverLog).size;
  await open(`folder=${encodeURIComponent(folder)}`, { trust: true });
  await focusProblems();
  await agreedCount("before the reload");
  const ours = () => hostLogs().filter((f) => !logsBefore.has(f) && fs.readFileSync(f, "utf8").includes("pyproj-doctor.pyproj-doctor"));
  const first = await waitFor(() => ours()[0], "the window's extension host log", 30000);
  const openManifest = async () => {
    await page.keyboard.press("Control+P");
    await page.keyboard.type("pyproject.toml");
    await page.waitForSelector('.quick-input-list .monaco-list-row:has-text("pyproject.toml")', { timeout: 20000 });
    await page.keyboard.press("Enter");
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.waitForTimeout(1000);
  };
  await openManifest();

  // Reload: the old extension host stops, a new one starts the server again.
  await palette("Developer: Reload Window");
  await waitFor(() => lines(first).some((l) => /Extension host .* exiting/.test(l)), "the reloaded window's extension host to exit", 60000, 250);
  await page.waitForSelector(".monaco-workbench", { timeout: 120000 });
  await focusProblems();
  await agreedCount("after the reload");
  const second = await waitFor(() => ours().find((f) => f !== first), "the reloaded window's extension host log", 30000);
  await openManifest();

  // Close: leaving the page shuts the window's extension host down.
  await page.goto("about:blank");
  await waitFor(() => lines(second).some((l) => /Extension host .* exiting/.test(l)), "the closed window's extension host to exit", 60000, 250);
  await new Promise((r) => setTimeout(r, 1000));

  const found = [];
  const others = [];
  for (const file of hostLogs()) {
    for (const entry of entries(file).filter((e) => BAD.test(e))) {
      (OURS.test(entry) ? found : others).push(`${path.relative(userData, file)}: ${entry}`);
    }
  }
  // Our Output channel: every line there is ours; an error at shutdown shows as "[Error …]".
  for (const file of filesUnder(path.join(userData, "logs")).filter((f) => /pyproj-doctor\.log$/.test(f))) {
    for (const line of lines(file)) if (BAD.test(line) || /\[Error/.test(line)) found.push(`${path.relative(userData, file)}: ${line}`);
  }
  const serverOutput = fs.readFileSync(serverLog, "utf8").slice(serverLogStart);
  for (const line of serverOutput.split("\n")) if (BAD.test(line) && OURS.test(line)) found.push(`code-server: ${line}`);
  expect(found.length === 0, `errors from pyproj-doctor when the window reloaded or closed:\n${found.join("\n")}`);
  // Other extensions' errors (VS Code's own JSON language client logs "Channel has been closed"
  // at shutdown) are not ours to fix; shown for the record.
  for (const other of others) {
    const who = /extensions\/([^/]+)\//.exec(other)?.[1] ?? "?";
    step(`not ours (${who}): ${other.split("\n").slice(0, who === "?" ? 6 : 1).join(" | ")}`);
  }
  const exits = [first, second].map((f) => lines(f).find((l) => /exiting with code/.test(l)) ?? "");
  expect(exits.every((l) => /exiting with code 0/.test(l)), `extension hosts: ${exits.join(" / ")}`);
  step("reload and close: extension hosts exit with code 0; no error in their logs, our Output channel or code-server's output");
  ctx.result("window reload + close", "no error logged");
}
