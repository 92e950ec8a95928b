import { strict as assert } from "node:assert";
import { test } from "node:test";
import { RESTRICTED_NOTE, folderOf, render, summarize } from "../src/summary";

const d = (severity: number, source = "pyproj-doctor") => ({ severity, source });
const app = { name: "app", path: "/a/app" };
const app2 = { name: "app2", path: "/a/app2" };

test("a file belongs to its folder only, never to a folder that merely shares a prefix", () => {
  assert.equal(folderOf("/a/app2/pyproject.toml", [app, app2], "/"), app2);
  assert.equal(folderOf("/a/app/pyproject.toml", [app2, app], "/"), app);
  assert.equal(folderOf("/a/application/x", [app], "/"), undefined);
  const nested = { name: "inner", path: "/a/app/inner" };
  assert.equal(folderOf("/a/app/inner/pyproject.toml", [app, nested], "/"), nested);
});

test("counts what the Problems view shows: no hints, nothing from other sources", () => {
  const summary = summarize(
    [
      ["/a/app/pyproject.toml", [d(1), d(3), d(0, "Pylance")]],
      ["/a/app2/pyproject.toml", [d(0), d(2)]],
    ],
    [app, app2],
    "/",
  );
  assert.equal(summary.total, 3);
  assert.deepEqual(summary.counts, [1, 1, 1]);
  assert.equal(summary.worst, 0);
  assert.deepEqual(summary.byFolder, [
    { name: "app", count: 1 },
    { name: "app2", count: 2 },
  ]);
});

test("the icon is the worst severity's; the tooltip gives every folder in a multi-root workspace", () => {
  const summary = summarize([["/a/app/x.toml", [d(1), d(0)]]], [app, app2], "/");
  const shown = render(summary, { kind: "ready" }, false);
  assert.equal(shown.text, "$(error) pyproj-doctor: 2");
  assert.match(shown.tooltip, /2 project setup findings \(1 error, 1 warning\)/);
  assert.match(shown.tooltip, /\napp: 2\napp2: 0/);
  assert.equal(shown.command, "workbench.actions.view.problems");
});

test("checking until the first result, then a check mark when nothing is found", () => {
  const empty = summarize([], [app], "/");
  assert.match(render(empty, { kind: "checking" }, false).text, /checking…/);
  assert.match(render(empty, { kind: "starting" }, false).text, /checking…/);
  assert.equal(render(empty, { kind: "ready" }, false).text, "$(check) pyproj-doctor");
});

test("a problem wins over counts; Restricted Mode is explained in the tooltip", () => {
  const summary = summarize([["/a/app/x.toml", [d(1)]]], [app], "/");
  const shown = render(summary, { kind: "problem", message: "no Python" }, true);
  assert.equal(shown.text, "$(error) pyproj-doctor");
  assert.equal(shown.command, "pyprojDoctor.showOutput");
  assert.ok(shown.tooltip.startsWith("no Python"));
  assert.ok(shown.tooltip.includes(RESTRICTED_NOTE));
  assert.ok(!render(summary, { kind: "ready" }, false).tooltip.includes("Restricted"));
});
