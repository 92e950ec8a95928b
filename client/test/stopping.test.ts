import assert from "node:assert/strict";
import { test } from "node:test";
import { unlessStopped } from "../src/stopping";

test("a request answers while the client runs", async () => {
  assert.deepEqual(await unlessStopped(() => true, () => Promise.resolve(["fix"]), undefined), ["fix"]);
});

test("no request is made once the client has stopped", async () => {
  let asked = false;
  const answer = await unlessStopped(
    () => false,
    () => {
      asked = true;
      return ["fix"];
    },
    undefined,
  );
  assert.equal(answer, undefined);
  assert.equal(asked, false);
});

test("a request that fails because the client stopped meanwhile is no answer", async () => {
  let running = true;
  const answer = await unlessStopped(
    () => running,
    async () => {
      running = false; // the window closes while the request is in flight
      throw new Error("Starting server failed");
    },
    null,
  );
  assert.equal(answer, null);
});

test("a failure while the client still runs is still an error", async () => {
  await assert.rejects(
    unlessStopped(() => true, () => Promise.reject(new Error("the server failed")), undefined),
    /the server failed/,
  );
});
