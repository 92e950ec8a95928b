// A uv workspace with many members: how long one keystroke in a member's pyproject.toml takes to
// reach the Problems view, and whether the undo brings back exactly the set shown before.
//
// The times are taken in the page itself: from the keydown event to the change of the
// workbench's problem counters (the status bar entry the Problems view shares its markers
// with), seen by a MutationObserver, so neither Playwright's round trips nor polling count.
import * as path from "node:path";
import { agreedCount, current, expect, focusProblems, open, problemsCount, screenshot, step, waitFor, write } from "../ui.mjs";

const MEMBERS = 60;
const EDITED = 7;
// What this machine (2 shared cores, code-server and Chromium beside the server) must stay under;
// the target on a quiet machine is 150 ms, and the figures are printed either way.
const BOUND_MS = 3000;

/** The benchmark's monorepo shape (benchmarks/generate.py), smaller: src packages, tests, some .vscode. */
function monorepo(root) {
  write(root, "pyproject.toml", '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[dependency-groups]\ndev = ["pytest"]\n');
  let files = 1;
  for (let n = 0; n < MEMBERS; n++) {
    const base = `packages/member${n}`;
    write(root, `${base}/pyproject.toml`, `[project]\nname = "member${n}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n`);
    write(root, `${base}/src/pkg${n}/__init__.py`, "");
    files += 2;
    for (let m = 0; m < 10; m++) {
      write(root, `${base}/src/pkg${n}/sub${Math.floor(m / 5)}/mod${m}.py`, `X = ${m}\n`);
      write(root, `${base}/src/pkg${n}/sub${Math.floor(m / 5)}/__init__.py`, "");
      files += m % 5 === 0 ? 2 : 1;
    }
    for (let t = 0; t < 4; t++) {
      write(root, `${base}/tests/test_member${n}_${t}.py`, `import pkg${n}\n\n\ndef test_x():\n    assert pkg${n}\n`);
      files += 1;
    }
    if (n % 10 === 0) {
      write(root, `${base}/.vscode/settings.json`, '{\n    "python.analysis.extraPaths": ["./src"]\n}\n');
      files += 1;
    }
  }
  return files;
}

const counters = () => current().page.locator('[id="status.problems"]').first().innerText({ timeout: 5000 });

/** The Problems view's rows while its filter shows only the edited member (files and entries). */
async function memberRows() {
  const { page } = current();
  const rows = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
  return rows.map((r) => r.replace(/\s+/g, " ").trim()).filter(Boolean);
}

/**
 * Arms an observer in the page, presses `keys`, and returns the milliseconds from the keydown
 * to the moment the problem counters satisfy `done` (a function of their text, run in the page).
 */
async function timeKeystroke(keys, doneSource, arg) {
  const { page } = current();
  await page.evaluate(
    ({ source, arg }) => {
      const done = new Function("text", "arg", source);
      const read = () => document.querySelector('[id="status.problems"]')?.innerText ?? "";
      const state = { key: 0, changed: 0 };
      window.__pdLatency = state;
      window.addEventListener("keydown", () => { if (!state.key) state.key = performance.now(); }, { capture: true, once: true });
      const observer = new MutationObserver(() => {
        if (state.key && !state.changed && done(read(), arg)) {
          state.changed = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document.querySelector(".part.statusbar"), { subtree: true, childList: true, characterData: true, attributes: true });
    },
    { source: doneSource, arg },
  );
  await page.keyboard.press(keys);
  const state = await waitFor(
    async () => {
      const s = await page.evaluate(() => window.__pdLatency);
      return s.changed ? s : undefined;
    },
    `the Problems view after ${keys}`,
    60000,
    20,
  );
  return state.changed - state.key;
}

export default async function monorepoLatency(ctx) {
  const { page } = current();
  const root = path.join(ctx.work, "monorepo");
  const files = monorepo(root);
  step(`monorepo: ${MEMBERS} members, ${files} files`);
  const opened = Date.now();
  await open(`folder=${encodeURIComponent(root)}`, { trust: true });
  const ready = Date.now();
  await focusProblems();
  await agreedCount("monorepo");
  ctx.result("monorepo: workbench ready → Problems and status agree", `${Date.now() - ready} ms (window opened ${ready - opened} ms)`);
  // Settled: the same counters for a second. The server publishes one document at a time, so the
  // status and the Problems view can agree on a part of the first report while it streams in.
  let settled = await counters();
  await waitFor(async () => {
    await page.waitForTimeout(1000);
    const now = await counters();
    const same = now === settled;
    settled = now;
    return same;
  }, "the Problems view to settle", 60000, 0);
  const initial = await agreedCount("monorepo (settled)");

  // Only the edited file's rows (its entries and their related locations), so all can be read.
  // Plain paths, not globs: the Problems view also runs a filter with `*` through its fuzzy
  // matcher against every message, which takes 30-60 s of the page's main thread here.
  const filter = page.locator('.viewpane-filter input, input[placeholder^="Filter (e.g."]').first();
  await filter.click();
  await filter.fill(`packages/member${EDITED}/pyproject.toml`);
  await waitFor(
    async () => (await memberRows()).some((r) => new RegExp(`^pyproject\\.toml\\s*packages/member${EDITED}\\s`).test(r)),
    "the filtered Problems view",
    30000,
  );
  await page.waitForTimeout(500);
  const rowsBefore = await memberRows();
  const countersBefore = await counters();
  step(`Problems before: ${initial} (counters "${countersBefore.replace(/\s+/g, " ")}"), member rows ${JSON.stringify(rowsBefore)}`);
  expect(rowsBefore.some((r) => r.includes("PD201")), `PD201 expected: ${JSON.stringify(rowsBefore)}`);
  // Echoes stay capped: of the member's four test modules only the first one is listed, with one
  // entry (the other import lines are related locations of the finding).
  await filter.fill(`packages/member${EDITED}/tests`);
  const echoFiles = await waitFor(async () => {
    const files = (await memberRows()).filter((r) => new RegExp(`^test_member${EDITED}_\\d\\.py\\s*packages/member${EDITED}/tests\\s+\\d+$`).test(r));
    return files.length ? files : undefined;
  }, "the member's test modules in the Problems view", 30000);
  expect(
    echoFiles.length === 1 && new RegExp(`^test_member${EDITED}_0\\.py\\s*packages/member${EDITED}/tests\\s+1$`).test(echoFiles[0]),
    `echo entries: ${JSON.stringify(echoFiles)}`,
  );
  // Back on pyproject.toml. The view may come back with its rows expanded or scrolled differently
  // from the first time, so the set the undo must restore is read again once it holds still.
  await filter.fill(`packages/member${EDITED}/pyproject.toml`);
  let seen = [];
  const rowsFiltered = await waitFor(
    async () => {
      const rows = await memberRows();
      const still = rows.length > 0 && JSON.stringify(rows) === JSON.stringify(seen);
      seen = rows;
      return still && rows.some((r) => r.includes("PD201")) ? rows : undefined;
    },
    "the filter back on pyproject.toml",
    30000,
    500,
  ).catch((error) => {
    throw new Error(`${error.message}; last rows ${JSON.stringify(seen)}`);
  });
  if (JSON.stringify(rowsFiltered) !== JSON.stringify(rowsBefore)) step(`rows after re-filtering ${JSON.stringify(rowsFiltered)}`);

  // The member's pyproject.toml, cursor at its end.
  await page.keyboard.press("Control+P");
  await page.keyboard.type(`packages/member${EDITED}/pyproject.toml`);
  await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("pyproject.toml")`, { timeout: 20000 });
  await page.keyboard.press("Enter");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
  await page.waitForTimeout(1000);
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+End");
  await page.waitForTimeout(500);

  const typed = await timeKeystroke("x", "return text !== arg", countersBefore);
  await page.waitForTimeout(1000);
  const rowsTyped = await memberRows();
  step(`typed one character: Problems changed after ${typed.toFixed(0)} ms; member rows ${JSON.stringify(rowsTyped)}`);
  expect(rowsTyped.some((r) => r.includes("PD901")), `no PD901 for the broken file: ${JSON.stringify(rowsTyped)}`);

  const undone = await timeKeystroke("Control+Z", "return text === arg", countersBefore);
  await page.waitForTimeout(1000);
  const rowsUndone = await memberRows();
  const countersUndone = await counters();
  step(`undo: the previous counters were back after ${undone.toFixed(0)} ms`);
  await screenshot("monorepo-latency");
  expect(countersUndone === countersBefore, `counters after the undo "${countersUndone}", before "${countersBefore}"`);
  expect(JSON.stringify(rowsUndone) === JSON.stringify(rowsFiltered), `rows after the undo ${JSON.stringify(rowsUndone)}, before ${JSON.stringify(rowsFiltered)}`);
  expect((await problemsCount()) === initial, "the total after the undo differs");
  ctx.result(`monorepo (${MEMBERS} members, ${files} files): keystroke → Problems view`, `${typed.toFixed(0)} ms (target 150 ms, bound ${BOUND_MS} ms)`);
  ctx.result(`monorepo (${MEMBERS} members, ${files} files): undo → the exact previous set`, `${undone.toFixed(0)} ms`);
  expect(typed <= BOUND_MS, `keystroke → Problems view took ${typed.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  expect(undone <= BOUND_MS, `undo → Problems view took ${undone.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  await filter.fill("");
}
