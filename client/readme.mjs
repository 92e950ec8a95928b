// The README shipped in the .vsix (dist/readme.md): EXTENSION.md with each local image inlined
// as a data: URI. VS Code's extension page renders the README in a webview whose policy loads
// images only from https: and data:, so a relative link to a file in the .vsix shows broken.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const TYPES = { ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif" };

/** `markdown` with each `![alt](relative/file.png)` replaced by the file's bytes as a data: URI. */
export function inlineImages(markdown, baseDir) {
  return markdown.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (whole, alt, target) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return whole; // https:, data:, …
    const type = TYPES[path.extname(target).toLowerCase()];
    if (!type) throw new Error(`${target}: only ${Object.keys(TYPES).join(", ")} images can be inlined in the extension's README`);
    const bytes = readFileSync(path.join(baseDir, target));
    return `![${alt}](data:${type};base64,${bytes.toString("base64")})`;
  });
}

export function writeShippedReadme(source = "EXTENSION.md", target = "dist/readme.md") {
  writeFileSync(target, inlineImages(readFileSync(source, "utf8"), path.dirname(path.resolve(source))));
}
