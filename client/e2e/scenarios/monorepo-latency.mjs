// A uv workspace with many members: how long one keystroke in a member's pyproject.toml takes to
// reach the Problems view, and whether the undo brings back exactly the set shown before.
//
// The times are taken in the page itself: from the keydown event to the last change of the
// workbench's problem counters (the status bar entry the Problems view shares its markers
// with) before they hold still for a second, seen by a MutationObserver, so neither
// Playwright's round trips nor polling count, and a first partial update does not either.
// In between, the hops: the page's, the extension host's and the server's marks on one clock
// (PYPROJ_DOCTOR_TRACE, which ui.mjs sets for code-server) say where the time went.
// Several keystrokes, each a character not typed before (a state the server has not checked),
// each followed by its undo: the median is held to the target, every one to the bound.
import * as fs from "node:fs";
import * as path from "node:path";
import { agreedCount, current, expect, focusProblems, open, problemsCount, screenshot, step, waitFor, write } from "../ui.mjs";

const MEMBERS = 60;
const EDITED = 7;
const KEYS = ["x", "y", "z", "q", "w"];
// The target, printed beside each figure with its hops. The assertion's bound is for this machine
// (2 shared cores, Chromium, code-server and other suites beside the server), where a loaded run
// measured up to ~620 ms; it catches a server or client that waits or re-sends everything.
const TARGET_MS = 150;
const BOUND_MS = 1500;

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

/** The trace lines (server and client, see lsp/trace.py and client/src/trace.ts) from `from` to `to`. */
function traced(from, to) {
  const file = current().trace;
  if (!file || !fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.split(" ").filter(Boolean))
    .filter((f) => f.length >= 5 && Number(f[0]) >= from && Number(f[0]) <= to)
    .map((f) => ({ at: Number(f[0]), cpu: Number(f[2]), thread: f[3], step: f.slice(4).join(" ") }));
}

/**
 * One keystroke's way to the screen, every time in ms after the keydown, all on one clock (epoch
 * ms: the page's performance.timeOrigin + now(), the extension host's and the server's wall clock):
 * the page writes the edit to code-server's socket, the extension host's language client has it,
 * the server has handled it, the check runs (with its thread's CPU time: a gap between the two is
 * time spent waiting for a core), the server has published, the extension host has the first
 * diagnostics, and the problem counter changed.
 */
function hops(state) {
  const key = state.origin + state.key;
  const marks = traced(key - 5, state.origin + state.changed + 5);
  const after = (from, thread, step) => from && marks.find((m) => m.at >= from.at && m.thread === thread && m.step.startsWith(step));
  const start = { at: key };
  const client = after(start, "extension-host", "didChange sending");
  const server = after(client, "MainThread", "didChange handled");
  const begins = after(server, "pyproj-doctor", "check begins");
  const ends = after(begins, "pyproj-doctor", "check ends");
  const resumed = after(ends, "MainThread", "loop resumes");
  const published = after(resumed, "MainThread", "published");
  // The client may log its receipt before the server logs the write it came from.
  const received = after(resumed, "extension-host", "diagnostics received");
  const ms = (mark) => (mark ? (mark.at - key).toFixed(0) : "?");
  const figures = {
    page: state.sent ? state.sent - state.key : undefined,
    client: client && client.at - key,
    server: server && server.at - key,
    check: begins && ends && ends.at - begins.at,
    checkCpu: begins && ends && ends.cpu - begins.cpu,
    published: published && published.at - key,
    received: received && received.at - key,
    counter: state.changed - state.key,
  };
  const text =
    `page wrote the edit to the socket +${state.sent ? (state.sent - state.key).toFixed(0) : "?"} (editor drawn +${(state.rendered - state.key).toFixed(0)})` +
    ` → extension host +${ms(client)} → server +${ms(server)} → check +${ms(begins)}…+${ms(ends)}` +
    ` (${figures.check === undefined ? "?" : figures.check.toFixed(0)} ms, CPU ${figures.checkCpu === undefined ? "?" : figures.checkCpu.toFixed(0)} ms)` +
    ` → published +${ms(published)} → extension host +${ms(received)} → counter +${figures.counter.toFixed(0)}`;
  return { figures, text };
}

/**
 * Arms observers in the page, presses `keys`, and returns the milliseconds from the keydown to
 * the last change of the problem counters before they hold still for a second (their final
 * state for this keystroke): `until` "changed" (another state than before) or "restored" (the
 * state the last "changed" keystroke started from), with the hops between (see hops()).
 */
async function timeKeystroke(keys, until) {
  const { page } = current();
  await page.evaluate(
    ({ until }) => {
      // textContent, not innerText: reading it forces no layout of the page on every mutation.
      const read = () => document.querySelector('[id="status.problems"]')?.textContent ?? "";
      const armed = read();
      // "changed": any final text but the one shown now (remembered for the undo); "restored":
      // the text remembered when the change was armed.
      if (until === "changed") window.__pdRestore = armed;
      const done = until === "changed" ? (text) => text !== armed : (text) => text === window.__pdRestore;
      const state = { key: 0, rendered: 0, sent: 0, changed: 0, changes: [], origin: performance.timeOrigin };
      window.__pdLatency = state;
      window.addEventListener("keydown", () => { if (!state.key) state.key = performance.now(); }, { capture: true, once: true });
      let shown = armed;
      const observer = new MutationObserver(() => {
        if (!state.key) return;
        const text = read();
        if (text !== shown) {
          shown = text;
          const at = performance.now();
          state.changes.push({ at, text });
          state.changed = done(text) ? at : 0;
        }
      });
      window.__pdObserver = observer;
      observer.observe(document.querySelector(".part.statusbar"), { subtree: true, childList: true, characterData: true, attributes: true });
      // When the editor showed the keystroke, and when the page wrote the edit to code-server's
      // socket (VS Code's RPC message $acceptModelChanged, on its way to the extension host).
      const lines = new MutationObserver(() => {
        if (state.key && !state.rendered) {
          state.rendered = performance.now();
          lines.disconnect();
        }
      });
      lines.observe(document.querySelector(".monaco-editor .view-lines"), { subtree: true, childList: true, characterData: true });
      const send = WebSocket.prototype.send;
      const latin1 = new TextDecoder("latin1");
      window.__pdSend = send;
      WebSocket.prototype.send = function (data) {
        if (state.key && !state.sent && (data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
          const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
          if (latin1.decode(bytes).includes("$acceptModelChanged")) {
            state.sent = performance.now();
            WebSocket.prototype.send = send;
          }
        }
        return send.call(this, data);
      };
    },
    { until },
  );
  // E2E_PROFILE=1: a Chromium performance trace of the page per keystroke, in test-results/.
  const profiling = Boolean(process.env.E2E_PROFILE);
  if (profiling) {
    await current().browser.startTracing(page, {
      categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel", "v8.execute"],
    });
  }
  await page.keyboard.press(keys);
  // Final: the counters satisfy `done` and have not changed for a second since.
  const state = await waitFor(
    async () => {
      const s = await page.evaluate(() => window.__pdLatency);
      const last = s.changes.at(-1);
      const now = await page.evaluate(() => performance.now());
      return last && s.changed && now - last.at >= 1000 ? s : undefined;
    },
    `the Problems view after ${keys}`,
    60000,
    50,
  ).finally(() => page.evaluate(() => {
    WebSocket.prototype.send = window.__pdSend;
    window.__pdObserver.disconnect();
  }));
  if (profiling) {
    fs.writeFileSync(path.join("test-results", `monorepo-latency-${keys}.trace.json`), await current().browser.stopTracing());
  }
  const result = { ms: state.changed - state.key, ...hops(state) };
  if (state.changes.length > 1) {
    result.text += ` (the counters changed ${state.changes.length} times: ${state.changes.map((c) => `+${(c.at - state.key).toFixed(0)} "${c.text.replace(/\s+/g, " ")}"`).join(", ")})`;
  }
  step(`latency ${JSON.stringify({ keys, ...result.figures, changes: state.changes.length })}`);
  return result;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

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

  const typedMs = [];
  const undoneMs = [];
  for (const key of KEYS) {
    const typing = await timeKeystroke(key, "changed");
    typedMs.push(typing.ms);
    const rowsTyped = await memberRows();
    step(`typed "${key}": Problems final after ${typing.ms.toFixed(0)} ms: ${typing.text}; member rows ${JSON.stringify(rowsTyped)}`);
    expect(rowsTyped.some((r) => r.includes("PD901")), `no PD901 for the broken file: ${JSON.stringify(rowsTyped)}`);

    const undoing = await timeKeystroke("Control+Z", "restored");
    undoneMs.push(undoing.ms);
    const rowsUndone = await memberRows();
    const countersUndone = await counters();
    step(`undo: the previous counters were back after ${undoing.ms.toFixed(0)} ms: ${undoing.text}`);
    expect(countersUndone === countersBefore, `counters after the undo "${countersUndone}", before "${countersBefore}"`);
    expect(JSON.stringify(rowsUndone) === JSON.stringify(rowsFiltered), `rows after the undo ${JSON.stringify(rowsUndone)}, before ${JSON.stringify(rowsFiltered)}`);
    expect((await problemsCount()) === initial, "the total after the undo differs");
    expect(typing.ms <= BOUND_MS, `keystroke → Problems view took ${typing.ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
    expect(undoing.ms <= BOUND_MS, `undo → Problems view took ${undoing.ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  }
  await screenshot("monorepo-latency");
  const verdict = (ms) => (ms <= TARGET_MS ? `within the ${TARGET_MS} ms target` : `MISSES the ${TARGET_MS} ms target`);
  const all = (values) => values.map((v) => v.toFixed(0)).join(", ");
  ctx.result(
    `monorepo (${MEMBERS} members, ${files} files): keystroke → Problems view (final state), median of ${KEYS.length}`,
    `${median(typedMs).toFixed(0)} ms, ${verdict(median(typedMs))} (each: ${all(typedMs)}; bound ${BOUND_MS} ms)`,
  );
  ctx.result(
    `monorepo (${MEMBERS} members, ${files} files): undo → the exact previous set, median of ${KEYS.length}`,
    `${median(undoneMs).toFixed(0)} ms, ${verdict(median(undoneMs))} (each: ${all(undoneMs)})`,
  );
  await filter.fill("");
}
