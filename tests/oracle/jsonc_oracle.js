// Differential oracle: answers with Microsoft's jsonc-parser (the parser VS Code uses).
// Input on stdin: {"parse": [text, ...], "modify": [{"text", "path", "value", "remove"}, ...]}.
// Output: {"parse": [{"tree", "errors"}], "modify": [{"text", "value", "errors"}]}.
"use strict";
const jsonc = require("jsonc-parser");

const options = { allowTrailingComma: true, disallowComments: false };

function plain(node) {
  if (!node) return null;
  const out = { type: node.type, offset: node.offset, length: node.length };
  if (node.value !== undefined) out.value = node.value;
  if (node.colonOffset !== undefined) out.colonOffset = node.colonOffset;
  if (node.children) out.children = node.children.map(plain);
  return out;
}

function parseOne(text) {
  const errors = [];
  const tree = jsonc.parseTree(text, errors, options);
  return { tree: plain(tree), errors: errors.map((e) => [e.error, e.offset, e.length]) };
}

function modifyOne(job) {
  const formattingOptions = { insertSpaces: true, tabSize: 4, eol: "\n" };
  const value = job.remove ? undefined : job.value;
  const edits = jsonc.modify(job.text, job.path, value, { formattingOptions });
  const text = jsonc.applyEdits(job.text, edits);
  const errors = [];
  const parsed = jsonc.parse(text, errors, options);
  return { text, value: parsed === undefined ? null : parsed, errors: errors.length };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const answer = {
    parse: (request.parse || []).map(parseOne),
    modify: (request.modify || []).map(modifyOne),
  };
  process.stdout.write(JSON.stringify(answer));
});
