// A multi-root workspace (.code-workspace) with a healthy folder and two with findings: the
// status item counts the whole workspace, agrees with the Problems view, and its tooltip names
// each folder with its count. The third folder's editor runs basedpyright and its uv workspace
// member is installed through setuptools' import hook: the Problems view shows PD301 with the
// import-hook note, and its quick fix writes basedpyright's key, not Pylance's (setuptools' compat
// mode listed after it as the alternative). The broken folder
// also drifts: `--cov` in the Test Explorer's arguments (PD601), fixed in launch.json. The fourth
// folder is a uv workspace with a member and a nested project of its own: Configure Python Project,
// picked for that folder, writes the whole-workspace setup (pytest's `pythonpath` for the member,
// `--ignore` for the nested project, python-envs.pythonProjects), after which the folder has no finding.
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  agreedCount, clearToasts, current, expect, focusProblems, open, palette, problemsCount, screenshot, seedHealthyProject,
  seedProject, statusTooltip, step, toast, waitFor, write,
} from "../ui.mjs";

const BASED_SETTINGS =
  '{\n    // the team\'s test settings\n    "python.testing.pytestEnabled": true,\n    "python.testing.unittestEnabled": false,\n' +
  '    "python.testing.pytestArgs": ["tests"]\n}\n';
const BASED_PD301 =
  "`packages/app` (with `app`) is not on basedpyright's import search path for the workspace folder " +
  "(`basedpyright.analysis.extraPaths` in .vscode/settings.json does not list it, no parent folder of the tests holds it, " +
  "and no `.pth` of the selected environment points at it): imports of `app` show as unresolved in the editor. " +
  "`.venv` installs `app` editable through an import hook (`__editable__.app-0.1.0.pth` runs `import ...`): " +
  "Python follows it, but basedpyright (like pyright) follows only path lines in `.pth` files. Instead of extraPaths, " +
  '`[tool.uv] config-settings-package = { app = { editable_mode = "compat" } }` in pyproject.toml and then `uv sync` make setuptools ' +
  "write a path `.pth` for `packages/app`.";

/** basedpyright recommended; a uv workspace whose setuptools flat-layout member `uv sync` installed
 *  through an import hook (the environment as it leaves site-packages: the hook's `.pth` and the
 *  editable's direct_url.json). As seeded it has exactly one finding: PD301. */
function seedBasedpyrightHook(root) {
  write(
    root,
    "pyproject.toml",
    '[project]\nname = "based"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["app"]\n\n' +
      '[dependency-groups]\ndev = [\n    "pytest>=9.0.3",\n]\n\n[tool.uv.sources]\napp = { workspace = true }\n\n' +
      '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
  );
  write(
    root,
    "packages/app/pyproject.toml",
    '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n\n[build-system]\nrequires = ["setuptools>=64"]\n' +
      'build-backend = "setuptools.build_meta"\n\n[tool.setuptools]\npackages = ["app"]\n',
  );
  write(root, "packages/app/app/__init__.py", 'def main() -> str:\n    return "hi"\n');
  write(root, "tests/test_main.py", 'from app import main\n\n\ndef test_main():\n    assert main() == "hi"\n');
  write(root, ".vscode/extensions.json", '{\n    "recommendations": ["ms-python.python", "tamasfe.even-better-toml", "detachhead.basedpyright"]\n}\n');
  write(root, ".vscode/settings.json", BASED_SETTINGS);
  write(root, ".venv/pyvenv.cfg", "home = /usr/bin\nimplementation = CPython\nversion_info = 3.12.3\n");
  const site = ".venv/lib/python3.12/site-packages";
  write(root, `${site}/__editable__.app-0.1.0.pth`, "import __editable___app_0_1_0_finder; __editable___app_0_1_0_finder.install()\n");
  const url = pathToFileURL(path.join(root, "packages", "app")).href;
  write(root, `${site}/app-0.1.0.dist-info/direct_url.json`, JSON.stringify({ url, dir_info: { editable: true } }));
  write(root, `${site}/pytest-9.0.3.dist-info/METADATA`, "Name: pytest\nVersion: 9.0.3\n");
}

export default async function multiRoot(ctx) {
  const { page } = current();
  const root = path.join(ctx.work, "multi-root");
  seedHealthyProject(path.join(root, "healthy"), "healthy");
  seedProject(path.join(root, "broken"), "broken");
  seedCoverageDrift(path.join(root, "broken"));
  seedBasedpyrightHook(path.join(root, "based"));
  seedWorkspaceSetup(path.join(root, "mono"));
  const workspace = path.join(root, "both.code-workspace");
  const folders = ["healthy", "broken", "based", "mono"].map((name) => ({ path: name }));
  fs.writeFileSync(workspace, JSON.stringify({ folders }, null, 2));
  await open(`workspace=${encodeURIComponent(workspace)}`, { trust: true });
  await focusProblems();
  await waitFor(async () => (await page.locator(".markers-panel").innerText()).includes("PD201"), "PD201 in the Problems view", 90000);
  const total = await agreedCount("multi-root");
  // The tooltip names each folder with its own count; the counts add up to the total.
  const tooltip = await waitFor(
    async () => {
      const text = await statusTooltip();
      return ["healthy", "broken", "based", "mono"].every((name) => new RegExp(`${name}: \\d+`).test(text)) ? text : undefined;
    },
    "the status tooltip to name every folder",
    30000,
  );
  const healthy = Number(/healthy: (\d+)/.exec(tooltip)[1]);
  const broken = Number(/broken: (\d+)/.exec(tooltip)[1]);
  const based = Number(/based: (\d+)/.exec(tooltip)[1]);
  const mono = Number(/mono: (\d+)/.exec(tooltip)[1]);
  expect(healthy === 0, `the healthy folder has ${healthy} findings: ${tooltip}`);
  expect(based === 1, `the basedpyright folder has ${based} findings, not PD301 alone: ${tooltip}`);
  expect(mono > 0, `the uv workspace folder has no finding before Configure Python Project: ${tooltip}`);
  expect(
    broken + based + mono === total && healthy + broken + based + mono === (await problemsCount()),
    `folders ${healthy} + ${broken} + ${based} + ${mono} vs total ${total}: ${tooltip}`,
  );
  expect(new RegExp(`^pyproj-doctor: ${total}\\b`).test(tooltip), `tooltip: ${tooltip}`);
  // Every finding the Problems view lists is in the broken, basedpyright or uv workspace folder.
  const problems = await page.locator(".markers-panel").innerText();
  expect(!problems.includes(path.join(root, "healthy")) && !/\bhealthy\b.*PD\d/.test(problems), `a finding in the healthy folder:\n${problems}`);
  await screenshot("multi-root");
  step(`multi-root: status ${total} = Problems ${total}; tooltip healthy: ${healthy}, broken: ${broken}, based: ${based}, mono: ${mono}`);
  ctx.result("multi-root status vs Problems", `${total} = ${total} (healthy ${healthy}, broken ${broken}, based ${based}, mono ${mono})`);
  // First: while the uv workspace folder has findings, its error rows sort above the other
  // folders' rows and push them out of the rendered part of the Problems view.
  await configureWorkspace(path.join(root, "mono"));
  await basedpyrightFix(path.join(root, "based"));
  await coverageDriftFix(path.join(root, "broken"));
}

const MONO_PYPROJECT =
  '[project]\nname = "mono"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["lib"]\n\n' +
  '[dependency-groups]\ndev = [\n    "pytest>=9.0.3",\n]\n\n[tool.uv.sources]\nlib = { workspace = true }\n\n' +
  '[tool.uv.workspace]\nmembers = ["packages/*"]\n';

/** A uv workspace: the root's tests import the src-layout member `lib`, which nothing puts on
 *  sys.path (PD201), and `tools/cli` is a nested project with its own pytest configuration whose
 *  tests/test_util.py clashes with the root's under plain `pytest` (PD207) and which the Test
 *  Explorer does not run on its own (PD308). */
function seedWorkspaceSetup(root) {
  write(root, "pyproject.toml", MONO_PYPROJECT);
  write(root, "packages/lib/pyproject.toml", '[project]\nname = "lib"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n');
  write(root, "packages/lib/src/lib/__init__.py", "def answer() -> int:\n    return 42\n");
  write(root, "tests/test_util.py", "from lib import answer\n\n\ndef test_answer():\n    assert answer() == 42\n");
  write(
    root,
    "tools/cli/pyproject.toml",
    '[project]\nname = "cli"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
  );
  write(root, "tools/cli/src/cli/__init__.py", 'def run() -> str:\n    return "ok"\n');
  write(root, "tools/cli/tests/test_util.py", 'from cli import run\n\n\ndef test_run():\n    assert run() == "ok"\n');
  write(root, ".vscode/extensions.json", '{\n    "recommendations": ["ms-python.python", "tamasfe.even-better-toml"]\n}\n');
  write(
    root,
    ".vscode/settings.json",
    '{\n    "python.testing.pytestEnabled": true,\n    "python.testing.unittestEnabled": false,\n    "python.testing.pytestArgs": ["tests"]\n}\n',
  );
}

/** Configure Python Project for the uv workspace folder (picked among the four): one Apply writes
 *  the member's `pythonpath` and the nested project's `--ignore` to pyproject.toml and lists the
 *  nested project in python-envs.pythonProjects; then the folder has no finding left. */
async function configureWorkspace(folder) {
  const { page } = current();
  await palette("pyproj-doctor: Configure Python Project");
  const pick = page.locator(".quick-input-list .monaco-list-row", { hasText: /^\s*mono\b/ }).first();
  await pick.waitFor({ timeout: 30000 });
  await pick.click();
  const dialog = page.locator(".monaco-dialog-box", { hasText: "Configure Python Project" });
  await dialog.waitFor({ timeout: 60000 });
  const dialogText = await dialog.innerText();
  expect(dialogText.includes("pyproject.toml") && dialogText.includes(".vscode/settings.json"), `dialog: ${dialogText}`);
  await dialog.locator(".monaco-button", { hasText: "Apply" }).first().click();
  await toast("pyproj-doctor wrote").waitFor({ timeout: 60000 });
  const pyproject = path.join(folder, "pyproject.toml");
  const configured = `${MONO_PYPROJECT}\n[tool.pytest.ini_options]\npythonpath = ["packages/lib/src"]\naddopts = "--ignore=tools/cli"\n`;
  await waitFor(() => fs.readFileSync(pyproject, "utf8") === configured, "pythonpath and --ignore in pyproject.toml on disk", 30000).catch(
    (error) => {
      throw new Error(`${error.message}; pyproject.toml reads:\n${fs.readFileSync(pyproject, "utf8")}`);
    },
  );
  const settings = JSON.parse(fs.readFileSync(path.join(folder, ".vscode", "settings.json"), "utf8"));
  const projects = JSON.stringify(settings["python-envs.pythonProjects"]);
  const entry = JSON.stringify([{ path: "tools/cli", envManager: "ms-python.python:venv", packageManager: "ms-python.python:pip" }]);
  expect(projects === entry, `python-envs.pythonProjects in settings.json: ${projects}`);
  expect(settings["python.testing.pytestArgs"]?.[0] === "tests", `the Test Explorer's arguments changed: ${JSON.stringify(settings)}`);
  step("Configure Python Project wrote pythonpath, --ignore=tools/cli and python-envs.pythonProjects");
  // The folder then has no finding: the status tooltip counts none for it, and none of the
  // whole-workspace findings (the other folders have none of them) is among the Problems rows shown.
  const tooltip = await waitFor(async () => {
    const text = await statusTooltip();
    return /mono: 0\b/.test(text) ? text : undefined;
  }, "no finding left in the uv workspace folder", 60000, 250).catch(async (error) => {
    throw new Error(`${error.message}; tooltip ${await statusTooltip()}`);
  });
  const problems = await page.locator(".markers-panel").innerText();
  for (const code of ["PD207", "PD308"]) expect(!problems.includes(code), `${code} left in the Problems view:\n${problems}`);
  await screenshot("multi-root-configured");
  step(`after Configure Python Project: ${tooltip}`);
  await clearToasts(); // the feedback toast would cover the Problems rows the next steps open
}

const COV_SETTINGS = '{\n    "python.testing.pytestEnabled": true,\n    "python.testing.pytestArgs": ["--cov=broken", "tests"]\n}\n';
const PD601 =
  "`--cov` in `python.testing.pytestArgs` in .vscode/settings.json starts pytest-cov's coverage tracer in every test " +
  "the Test Explorer runs or debugs, and no debug configuration turns it off: coverage takes over the trace hook the " +
  "debugger uses, so breakpoints in debugged tests are not hit. The fix adds a `\"purpose\": [\"debug-test\"]` " +
  "configuration to .vscode/launch.json that sets it; runs and CI still measure coverage.";
const DEBUG_TEST_LAUNCH =
  '{\n    "version": "0.2.0",\n    "configurations": [\n        {\n            "name": "Python: Debug Tests",\n' +
  '            "type": "debugpy",\n            "request": "launch",\n            "program": "${file}",\n' +
  '            "purpose": ["debug-test"],\n            "console": "integratedTerminal",\n            "env": {\n' +
  '                "PYTEST_ADDOPTS": "--no-cov"\n            }\n        }\n    ]\n}\n';

/** Environment drift in the broken folder: pytest-cov declared and `--cov` in the Test Explorer's
 *  arguments, so debugging a test would not stop at breakpoints (PD601). */
function seedCoverageDrift(root) {
  const pyproject = fs.readFileSync(path.join(root, "pyproject.toml"), "utf8");
  write(root, "pyproject.toml", pyproject.replace('"pytest>=9.0.3",', '"pytest>=9.0.3",\n    "pytest-cov>=6",'));
  write(root, ".vscode/settings.json", COV_SETTINGS);
}

/** The PD601 row reads the whole message; its lightbulb fix at `--cov` creates the debug-test
 *  configuration in launch.json and leaves the arguments (runs and CI keep coverage). */
async function coverageDriftFix(folder) {
  const { page } = current();
  const row = await problemRow("PD601", PD601);
  step("Problems view: PD601 at --cov in the broken folder's settings.json");
  await row.dblclick();
  await page.locator(".tabs-container .tab.active", { hasText: "settings.json" }).first().waitFor({ timeout: 30000 });
  // Opening the row selects the finding's range (`"--cov=broken"`) in a focused editor.
  await page.locator(".monaco-editor .selected-text").first().waitFor({ timeout: 30000 });
  await lightbulbFix("PD601", "Add a debug-test configuration with PYTEST_ADDOPTS=--no-cov to .vscode/launch.json");
  const launch = path.join(folder, ".vscode", "launch.json");
  await waitFor(() => fs.existsSync(launch) && fs.readFileSync(launch, "utf8") === DEBUG_TEST_LAUNCH, "the debug-test configuration in launch.json on disk", 30000);
  expect(fs.readFileSync(path.join(folder, ".vscode", "settings.json"), "utf8") === COV_SETTINGS, "the fix changed the Test Explorer's arguments");
  step("quick fix wrote the debug-test configuration with PYTEST_ADDOPTS=--no-cov to launch.json");
}

/** The first Problems row holding `hasText`; it must read `message` word for word. */
async function problemRow(hasText, message) {
  const { page } = current();
  const row = page.locator(".markers-panel .monaco-list-row", { hasText }).first();
  await row.waitFor({ timeout: 30000 });
  const rowText = (await row.innerText()).replace(/\s+/g, " ");
  expect(rowText.includes(message), `the ${hasText} row in the Problems view reads:\n${rowText}`);
  return row;
}

/** With the cursor on a finding of `code`: the lightbulb's action titled `title`, then Save All.
 *  Returns the titles the lightbulb listed. */
async function lightbulbFix(code, title, shot) {
  const { page } = current();
  await page.keyboard.press("Control+.");
  await page.locator(".action-widget .monaco-list-row", { hasText: code }).first().waitFor({ timeout: 30000 });
  const listed = (await page.locator(".action-widget .monaco-list-row").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
  if (shot) await screenshot(shot);
  for (let i = 0; i < 20; i++) {
    const focused = await page.locator(".action-widget .monaco-list-row.focused").first().innerText().catch(() => "");
    if (focused.includes(title)) break;
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Enter");
  await palette("File: Save All");
  return listed;
}

/** The PD301 row in the Problems view carries the import-hook note; its lightbulb fix writes
 *  basedpyright.analysis.extraPaths into the folder's settings.json, keeping the comment. */
async function basedpyrightFix(folder) {
  const { page } = current();
  const row = await problemRow("import hook", BASED_PD301);
  step("Problems view: PD301 with the import-hook note in the basedpyright folder");
  // Opening the row puts the cursor on the finding (settings.json, line 1); the lightbulb offers the fix.
  await row.dblclick();
  await page.locator(".tabs-container .tab.active", { hasText: "settings.json" }).first().waitFor({ timeout: 30000 });
  const editor = page.locator(".editor-group-container .monaco-editor .view-lines").first();
  await editor.waitFor({ timeout: 30000 });
  await page.waitForTimeout(1000);
  await editor.click();
  await page.keyboard.press("Control+Home");
  const title = "Add './packages/app' to basedpyright.analysis.extraPaths in .vscode/settings.json (for basedpyright)";
  const listed = await lightbulbFix("PD301", title, "basedpyright-quick-fix");
  // Setuptools' compat mode is offered after the rule's fix, as the unsafe alternative.
  const fix = listed.findIndex((t) => t.includes(title));
  const alternative = listed.findIndex((t) => t.includes('Set editable_mode = "compat" for `app` in [tool.uv] config-settings-package of pyproject.toml') && t.includes("unsafe, instead"));
  expect(fix >= 0 && alternative > fix, `the lightbulb lists the extraPaths fix, then the compat alternative: ${JSON.stringify(listed)}`);
  const settings = path.join(folder, ".vscode", "settings.json");
  const expected = BASED_SETTINGS.replace('["tests"]\n}', '["tests"],\n    "basedpyright.analysis.extraPaths": ["./packages/app"]\n}');
  await waitFor(() => fs.readFileSync(settings, "utf8") === expected, "basedpyright.analysis.extraPaths in settings.json on disk", 30000);
  expect(!fs.readFileSync(settings, "utf8").includes("python.analysis.extraPaths"), "the fix wrote Pylance's key");
  step("quick fix wrote basedpyright.analysis.extraPaths, comment kept");
}
