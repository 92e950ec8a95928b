import { strict as assert } from "node:assert";
import { test } from "node:test";
import type * as vscode from "vscode";
import { QuietChannel, isNoise } from "../src/output";

function recorder() {
  const written: string[] = [];
  let disposed = false;
  const channel = {
    name: "pyproj-doctor",
    append: (value: string) => {
      if (disposed) throw new Error("Channel has been closed");
      written.push(value);
    },
    appendLine: (value: string) => written.push(value + "\n"),
    replace: () => undefined,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => {
      disposed = true;
    },
  } as unknown as vscode.OutputChannel;
  return { channel, text: () => written.join("") };
}

test("a normal exit and cancelled-request notes are not errors", () => {
  assert.equal(isNoise("[Error - 10:01:02 AM] Server process exited with code 0."), true);
  assert.equal(isNoise("[Error - 10:01:02 AM] Server process exited with code 1."), false);
  assert.equal(isNoise("WARNING:pygls.protocol.json_rpc:Cancel notification for unknown message id \"12\""), true);
});

test("noise is dropped from chunked server output; everything else is kept in order", () => {
  const { channel, text } = recorder();
  const quiet = new QuietChannel(channel);
  quiet.append("started\nWARNING:pygls:Cancel notification for unk");
  quiet.append("nown message id \"3\"\nreal problem\n");
  quiet.appendLine("[Error - 1:00:00 PM] Server process exited with code 0.");
  quiet.appendLine("[Error - 1:00:00 PM] Server process exited with code 2.");
  assert.equal(text(), "started\nreal problem\n[Error - 1:00:00 PM] Server process exited with code 2.\n");
});

test("nothing is written after the channel is disposed", () => {
  const { channel, text } = recorder();
  const quiet = new QuietChannel(channel);
  quiet.dispose();
  quiet.appendLine("late line from a stopping server");
  quiet.append("late chunk\n");
  assert.equal(text(), "");
});
