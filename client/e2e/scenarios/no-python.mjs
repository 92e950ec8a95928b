// No Python anywhere: the error with the actions that fit; the missing Python extension said
// once; a failed restart, after which every command answers; then "Open Setting" and the path
// the user types fix it. Leaves pyprojDoctor.interpreter set in the user settings.
import * as path from "node:path";
import {
  agreedCount, clearToasts, current, expect, focusProblems, open, palette, screenshot, seedProject, statusText, step,
  toast, toastButtons,
} from "../ui.mjs";

export default async function noPython(ctx) {
  const { page } = current();
  const folder = path.join(ctx.work, "no-python");
  seedProject(folder, "no-python");
  await open(`folder=${encodeURIComponent(folder)}`, { trust: true });
  step("no-python window loaded");
  const noPythonActions = await toastButtons("needs Python 3.10 or newer");
  expect(
    JSON.stringify(noPythonActions) === JSON.stringify(["Install Python Extension", "Open Setting", "Retry"]),
    `no-Python actions: ${JSON.stringify(noPythonActions)}`,
  );
  const noPythonText = await toast("needs Python 3.10 or newer").innerText();
  expect(!noPythonText.includes("Select an interpreter with the Python extension"), "offers the Python extension it does not have");
  const noticeActions = await toastButtons("Python extension (ms-python.python) is not installed");
  expect(noticeActions.includes("Install Python Extension"), `Python extension notice actions: ${noticeActions}`);
  const notice = await toast("Python extension (ms-python.python) is not installed").innerText();
  expect(/Pylance/.test(notice) && /Test Explorer/.test(notice) && /still work/.test(notice), `notice: ${notice}`);
  step("no Python: message with Install Python Extension / Open Setting / Retry; missing Python extension reported");
  await screenshot("no-python");
  expect((await statusText()).includes("pyproj-doctor"), "status item missing");
  await clearToasts();
  await palette("pyproj-doctor: Restart Server");
  await toast("needs Python 3.10 or newer").waitFor({ timeout: 60000 });
  step("restart without Python failed as expected");
  await clearToasts();
  await palette("pyproj-doctor: Configure Python Project");
  await toast("Configure Python Project needs the server").waitFor({ timeout: 30000 });
  expect((await page.locator(".notifications-toasts", { hasText: /command '[^']*' not found/ }).count()) === 0, "a command was not found");
  await clearToasts();
  await palette("pyproj-doctor: Show Output");
  await page.locator(".part.panel .monaco-editor .view-lines", { hasText: "needs Python 3.10" }).first().waitFor({ timeout: 30000 });
  step("after the failed restart every command answers (Configure explains, Show Output shows, Restart retries)");
  // The fix a user makes: "Open Setting" from the message, type the interpreter's path.
  await clearToasts();
  await palette("pyproj-doctor: Restart Server");
  const openSetting = toast("needs Python 3.10 or newer").locator(".monaco-button", { hasText: "Open Setting" });
  await openSetting.first().waitFor({ timeout: 60000 });
  await openSetting.first().click();
  const input = page.locator('.settings-editor .setting-item-contents:has-text("Interpreter") input').first();
  await input.waitFor({ timeout: 30000 });
  await input.fill(ctx.python);
  await input.press("Tab");
  await focusProblems();
  const recovered = await agreedCount("after the setting names a Python");
  step(`setting pyprojDoctor.interpreter starts the server: ${recovered} findings`);
  ctx.result("no Python → setting → findings", recovered);
}
