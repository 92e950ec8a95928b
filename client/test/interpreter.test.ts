import { strict as assert } from "node:assert";
import { test } from "node:test";
import { candidates, insideWorkspace, parseVersion, supported } from "../src/interpreter";

test("Python Environments, then the Python extension, then the setting, then PATH", () => {
  const { candidates: list, refused } = candidates({
    fromPythonEnvironments: "/home/u/.pyenv/versions/3.12.1/bin/python",
    fromPythonExtension: "/home/u/proj/.venv/bin/python",
    setting: "/usr/bin/python3.12",
    trusted: true,
    workspaceFolders: ["/home/u/proj"],
  });
  assert.deepEqual(
    list.map((c) => [c.command, c.source]),
    [
      ["/home/u/.pyenv/versions/3.12.1/bin/python", "python-environments"],
      ["/home/u/proj/.venv/bin/python", "python-extension"],
      ["/usr/bin/python3.12", "setting"],
      ["python3", "path"],
      ["python", "path"],
    ],
  );
  assert.deepEqual(refused, []);
});

test("an untrusted workspace never runs an interpreter from inside it", () => {
  const { candidates: list, refused } = candidates({
    fromPythonExtension: "/home/u/proj/.venv/bin/python",
    setting: "/opt/python/bin/python3",
    trusted: false,
    workspaceFolders: ["/home/u/proj"],
  });
  assert.deepEqual(refused, ["/home/u/proj/.venv/bin/python"]);
  assert.deepEqual(list[0], { command: "/opt/python/bin/python3", source: "setting" });
});

test("blank settings are skipped and bare commands are PATH lookups", () => {
  const { candidates: list } = candidates({ setting: "  ", trusted: false, workspaceFolders: ["/w"] });
  assert.deepEqual(list.map((c) => c.command), ["python3", "python"]);
  const withCommand = candidates({ setting: "python3.11", trusted: false, workspaceFolders: ["/w"] });
  assert.equal(withCommand.candidates[0].command, "python3.11");
});

test("insideWorkspace resolves relative segments", () => {
  assert.equal(insideWorkspace("/w/a/../b/python", ["/w"]), true);
  assert.equal(insideWorkspace("/w2/python", ["/w"]), false);
  assert.equal(insideWorkspace("/w/../x/python", ["/w"]), false);
});

test("the same command is tried once", () => {
  const { candidates: list } = candidates({ fromPythonExtension: "python3", setting: "python3", trusted: true, workspaceFolders: [] });
  assert.deepEqual(list.map((c) => [c.command, c.source]), [["python3", "python-extension"], ["python", "path"]]);
});

test("version parsing and the 3.10 floor", () => {
  assert.deepEqual(parseVersion("3.11.7\n"), [3, 11, 7]);
  assert.equal(parseVersion("Python"), undefined);
  assert.equal(supported([3, 10, 0]), true);
  assert.equal(supported([3, 9, 18]), false);
  assert.equal(supported([3, 8, 18]), false);
  assert.equal(supported([4, 0, 0]), true);
});
