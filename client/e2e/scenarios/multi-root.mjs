// A multi-root workspace (.code-workspace) with a healthy folder and one with findings: the
// status item counts the whole workspace, agrees with the Problems view, and its tooltip names
// each folder with its count.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  agreedCount, current, expect, focusProblems, open, problemsCount, screenshot, seedHealthyProject, seedProject,
  statusTooltip, step, waitFor,
} from "../ui.mjs";

export default async function multiRoot(ctx) {
  const { page } = current();
  const root = path.join(ctx.work, "multi-root");
  seedHealthyProject(path.join(root, "healthy"), "healthy");
  seedProject(path.join(root, "broken"), "broken");
  const workspace = path.join(root, "both.code-workspace");
  fs.writeFileSync(workspace, JSON.stringify({ folders: [{ path: "healthy" }, { path: "broken" }] }, null, 2));
  await open(`workspace=${encodeURIComponent(workspace)}`, { trust: true });
  await focusProblems();
  await waitFor(async () => (await page.locator(".markers-panel").innerText()).includes("PD201"), "PD201 in the Problems view", 90000);
  const total = await agreedCount("multi-root");
  // The tooltip names each folder with its own count; the counts add up to the total.
  const tooltip = await waitFor(
    async () => {
      const text = await statusTooltip();
      return /healthy: \d+/.test(text) && /broken: \d+/.test(text) ? text : undefined;
    },
    "the status tooltip to name both folders",
    30000,
  );
  const healthy = Number(/healthy: (\d+)/.exec(tooltip)[1]);
  const broken = Number(/broken: (\d+)/.exec(tooltip)[1]);
  expect(healthy === 0, `the healthy folder has ${healthy} findings: ${tooltip}`);
  expect(broken === total && healthy + broken === (await problemsCount()), `folders ${healthy} + ${broken} vs total ${total}: ${tooltip}`);
  expect(new RegExp(`^pyproj-doctor: ${total}\\b`).test(tooltip), `tooltip: ${tooltip}`);
  // Every finding the Problems view lists is in the broken folder.
  const problems = await page.locator(".markers-panel").innerText();
  expect(!problems.includes(path.join(root, "healthy")) && !/\bhealthy\b.*PD\d/.test(problems), `a finding in the healthy folder:\n${problems}`);
  await screenshot("multi-root");
  step(`multi-root: status ${total} = Problems ${total}; tooltip healthy: ${healthy}, broken: ${broken}`);
  ctx.result("multi-root status vs Problems", `${total} = ${total} (healthy ${healthy}, broken ${broken})`);
}
