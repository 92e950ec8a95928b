// The extension's page, as a user opens it from the Extensions view: the user-facing README
// (EXTENSION.md, shipped as the .vsix's readme) with its screenshot loaded from inside the
// .vsix, the icon, and the details a Marketplace page shows. Saves test-results/extension-page.png.
import * as path from "node:path";
import { clearToasts, current, expect, open, palette, screenshot, seedHealthyProject, step, waitFor } from "../ui.mjs";

/** The frame (inside the details webview) whose document holds the README's heading. */
async function readmeFrame(page) {
  for (const frame of page.frames()) {
    const found = await frame.locator("h1", { hasText: "pyproj-doctor for VS Code" }).count().catch(() => 0);
    if (found) return frame;
  }
  return undefined;
}

export default async function extensionPage(ctx) {
  const { page } = current();
  const folder = path.join(ctx.work, "extension-page");
  seedHealthyProject(folder, "extension-page");
  await open(`folder=${encodeURIComponent(folder)}`, { trust: true });
  await palette("Extensions: Show Enabled Extensions");
  const row = page.locator(".extensions-viewlet .monaco-list-row", { hasText: "pyproj-doctor" }).first();
  await row.waitFor({ timeout: 60000 });
  await row.click();
  const editor = page.locator(".extension-editor").first();
  await editor.waitFor({ timeout: 30000 });
  const header = editor.locator(".header").first();
  await waitFor(async () => (await header.innerText()).includes("pyproj-doctor"), "the extension page's header", 30000);

  // The icon: ours (client/media/icon.png), loaded, not the default placeholder.
  const icon = header.locator("img.icon").first();
  const iconState = await waitFor(
    async () => {
      const state = await icon.evaluate((img) => ({ src: img.src, width: img.naturalWidth, complete: img.complete }));
      return state.complete && state.width > 0 ? state : undefined;
    },
    "the extension icon to load",
    30000,
  );
  expect(/icon\.png/.test(iconState.src), `the page shows another icon: ${iconState.src}`);
  expect(iconState.width === 256, `icon is ${iconState.width}px wide, not client/media/icon.png's 256`);

  // The README: ours, rendered in the details webview, with its screenshot loaded from the .vsix.
  const frame = await waitFor(() => readmeFrame(page), "the README in the extension page", 60000, 250);
  const readme = await frame.locator("body").innerText();
  for (const text of ["Configure Python Project", "Restricted Mode", "pyprojDoctor.interpreter"]) {
    expect(readme.includes(text), `the README on the page does not mention ${text}`);
  }
  expect(!/## Development|uv sync|scripts\/test/.test(readme), "the page shows the developer README");
  const image = frame.locator("img").first();
  const imageInfo = () =>
    image.evaluate((img) => ({ src: img.src.slice(0, 60), alt: img.alt, width: img.naturalWidth, height: img.naturalHeight, complete: img.complete }));
  const imageState = await waitFor(
    async () => {
      const state = await imageInfo();
      return state.complete && state.width > 0 ? state : undefined;
    },
    "the README's screenshot to load",
    30000,
  ).catch(async (error) => {
    throw new Error(`${error.message}: ${JSON.stringify(await imageInfo().catch(() => "no img"))}`);
  });
  // client/media/screenshot.png (1400×900), inlined in the shipped README.
  expect(imageState.alt.startsWith("Findings in the Problems view"), `the README's first image is ${JSON.stringify(imageState)}`);
  expect(imageState.width === 1400 && imageState.height === 900, `the README's screenshot is ${imageState.width}×${imageState.height}`);

  // What a Marketplace page lists beside the README.
  const details = await editor.innerText();
  for (const text of ["Linters", "Testing", "Changelog"]) {
    expect(details.toLowerCase().includes(text.toLowerCase()), `the extension page does not show "${text}"`);
  }
  await clearToasts();
  await row.click();
  await page.waitForTimeout(500);
  await screenshot("extension-page");
  step(`extension page: icon ${iconState.width}px, README screenshot ${imageState.width}px wide (${imageState.alt})`);
  ctx.result("extension page screenshot width", imageState.width);
}
