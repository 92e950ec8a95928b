// End-to-end: our .vsix in a real VS Code (code-server) driven through its UI in headless Chromium.
// Usage: node client/e2e/run.mjs <code-server> <extension.vsix> <python>
//   E2E_ONLY=name,name  runs only those scenarios (no-python, when kept, still runs first);
//   E2E_KEEP=1          keeps the temporary folder (workspaces, user data, logs, trace.log);
//   E2E_PROFILE=1       monorepo-latency writes a Chromium performance trace per keystroke to test-results/.
//
// One code-server whose PATH has no Python, so the extension finds none until the user sets
// pyprojDoctor.interpreter. The scenarios run one after another in that code-server's page; each
// asserts what a user would see.
//
// Adding a scenario:
//   1. Create client/e2e/scenarios/<name>.mjs with `export default async function (ctx) {…}`.
//      Throw (or use expect()) to fail. ctx holds:
//        ctx.work    a fresh temporary folder to create workspaces in (write(), seedProject());
//        ctx.python  the real interpreter, already set as pyprojDoctor.interpreter (in the Remote
//                    settings, which is where a code-server window reads machine settings);
//        ctx.result(what, value)  a figure printed at the end ("e2e result: what: value").
//      The page and the workbench helpers (open, palette, toast, problemsCount, statusCount,
//      agreedCount, focusProblems, channelText, screenshot, …) come from ../ui.mjs; current()
//      gives the page, port and user-data folder. Open your own window with open(); do not rely
//      on what an earlier scenario left open, only on the interpreter setting.
//   2. Import it below and add it to `scenarios`.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { artifacts, remoteSettings, screenshot, startCodeServer, step, stopCodeServer } from "./ui.mjs";
import noPython from "./scenarios/no-python.mjs";
import oneFolder from "./scenarios/one-folder.mjs";
import extensionPage from "./scenarios/extension-page.mjs";
import multiRoot from "./scenarios/multi-root.mjs";
import restrictedMode from "./scenarios/restricted-mode.mjs";
import windowClose from "./scenarios/window-close.mjs";
import monorepoLatency from "./scenarios/monorepo-latency.mjs";

const scenarios = [
  ["no-python", noPython],
  ["one-folder", oneFolder],
  ["extension-page", extensionPage],
  ["multi-root", multiRoot],
  ["restricted-mode", restrictedMode],
  ["window-close", windowClose],
  ["monorepo-latency", monorepoLatency],
];

const [codeServer, vsix, pythonCommand] = process.argv.slice(2);
// The interpreter itself (not a pyenv shim, which needs more than the test's PATH).
const python = execFileSync(pythonCommand, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
const only = process.env.E2E_ONLY ? process.env.E2E_ONLY.split(",") : undefined;
const chosen = scenarios.filter(([name]) => !only || only.includes(name));
const results = [];
const failed = [];
let passed = 0;

try {
  const session = await startCodeServer({ codeServer, vsix, python });
  const ctx = { work: session.work, python, result: (what, value) => results.push([what, value]) };
  for (const [name, run] of chosen) {
    if (name !== "no-python") remoteSettings({ "pyprojDoctor.interpreter": python });
    const started = Date.now();
    step(`--- ${name}`);
    try {
      await run(ctx);
      passed += 1;
      step(`--- ${name} passed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed.push(name);
      console.error(`e2e: --- ${name} FAILED:`, error);
      await screenshot(`failure-${name}`).catch(() => {});
    }
  }
} catch (error) {
  failed.push("setup");
  console.error(error);
} finally {
  await stopCodeServer();
}
for (const [what, value] of results) console.log(`e2e result: ${what}: ${value}`);
if (failed.length) console.log(`e2e: failed: ${failed.join(", ")} (screenshots in ${path.relative(process.cwd(), artifacts)})`);
console.log(`e2e: ${passed} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
