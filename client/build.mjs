// Bundles the extension into dist/extension.js (one file, vscode left external);
// writes the README shipped in the .vsix (dist/readme.md, see readme.mjs);
// with --tests, compiles the unit tests of the pure modules to out/test for `node --test`.
import { build } from "esbuild";
import { readdirSync } from "node:fs";
import { writeShippedReadme } from "./readme.mjs";

const tests = process.argv.includes("--tests");

if (tests) {
  const entryPoints = readdirSync("client/test")
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => `client/test/${f}`);
  await build({
    entryPoints,
    outdir: "client/out/test",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
  });
} else {
  await build({
    entryPoints: ["client/src/extension.ts"],
    outfile: "dist/extension.js",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["vscode"],
    minify: true,
    sourcemap: false,
    logLevel: "warning",
  });
  writeShippedReadme();
}
