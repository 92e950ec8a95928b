// Restricted Mode with a hostile workspace: an untrusted folder whose .venv interpreter, whose
// workspace value of pyprojDoctor.interpreter and whose module folders named like the server's
// own libraries would each write a marker file if run or imported. The server still checks the
// project (with the user's interpreter), none of them runs, and the status tooltip says what
// Restricted Mode limits.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  agreedCount, clearToasts, current, expect, focusProblems, open, remoteSettings, screenshot, seedProject, statusTooltip,
  step, toast, waitFor, write,
} from "../ui.mjs";

export default async function restrictedMode(ctx) {
  const { page } = current();
  const folder = path.join(ctx.work, "hostile");
  const markers = path.join(ctx.work, "markers");
  fs.mkdirSync(markers, { recursive: true });
  seedProject(folder, "hostile");
  const script = (name) => `#!/bin/sh\necho "$0 $*" > '${path.join(markers, name)}'\nexit 1\n`;
  write(folder, ".venv/bin/python", script("venv-python"), 0o755);
  write(folder, ".venv/bin/python3", script("venv-python3"), 0o755);
  write(folder, ".venv/pyvenv.cfg", "home = /usr/bin\nversion = 3.12.0\n");
  write(folder, "tools/python", script("setting-interpreter"), 0o755);
  write(
    folder,
    ".vscode/settings.json",
    JSON.stringify({ "pyprojDoctor.interpreter": path.join(folder, "tools", "python"), "python.defaultInterpreterPath": path.join(folder, ".venv", "bin", "python") }, null, 2),
  );
  const modules = ["pygls", "lsprotocol", "cattrs", "attrs", "packaging", "pyproj_doctor", "tomlkit", "typing_extensions"];
  for (const name of modules) {
    const body = `open(${JSON.stringify(path.join(markers, `module-${name}`))}, "w").write(__file__)\n`;
    // Where a careless server would find them: the folder itself, its src/ and the .venv's site-packages.
    write(folder, `${name}/__init__.py`, body);
    write(folder, `src/${name}/__init__.py`, body);
    write(folder, `.venv/lib/python3.12/site-packages/${name}/__init__.py`, body);
  }
  write(folder, "sitecustomize.py", `open(${JSON.stringify(path.join(markers, "sitecustomize"))}, "w")\n`);

  await open(`folder=${encodeURIComponent(folder)}`, { trust: false });
  await page.locator(".statusbar-item", { hasText: "Restricted Mode" }).first().waitFor({ timeout: 30000 });
  await focusProblems();
  // The server checked the project: its findings are in the Problems view, counted by the status item.
  const count = await agreedCount("Restricted Mode");
  // The panel's rows can render a moment after its counters: wait for them, then assert.
  const panel = async () => page.locator(".markers-panel").innerText();
  const problems = await waitFor(async () => ((await panel()).includes("PD201") ? panel() : undefined), "PD201 in the Problems view", 30000).catch(panel);
  expect(problems.includes("PD201"), `the untrusted project was not checked:\n${problems}`);
  const tooltip = await statusTooltip();
  expect(/Restricted Mode/.test(tooltip), `the status tooltip does not mention Restricted Mode: ${tooltip}`);
  expect(/\.venv/.test(tooltip) && /pyprojDoctor\.interpreter/.test(tooltip) && /never imports code/.test(tooltip), `the tooltip does not say what is limited: ${tooltip}`);
  expect(fs.readdirSync(markers).length === 0, `hostile workspace code ran: ${fs.readdirSync(markers).join(", ")}`);
  await screenshot("restricted-mode");

  // Without the user's own interpreter, the workspace's setting is the only Python named: still
  // not run. The user is told why nothing runs and what trusting would change.
  await clearToasts();
  remoteSettings({ "pyprojDoctor.interpreter": "" });
  const message = await toast("needs Python 3.10 or newer").innerText({ timeout: 60000 });
  expect(/Trusting the workspace allows its own interpreter/.test(message), `the no-Python message in Restricted Mode: ${message}`);
  const ran = fs.readdirSync(markers);
  expect(ran.length === 0, `hostile workspace code ran: ${ran.join(", ")}`);
  remoteSettings({ "pyprojDoctor.interpreter": ctx.python });
  step(`Restricted Mode: ${count} findings, no hostile interpreter, setting or module ran; tooltip says what is limited`);
  ctx.result("Restricted Mode hostile workspace", `${count} findings, 0 of ${2 + 1 + modules.length * 3 + 1} hostile files ran`);
}
