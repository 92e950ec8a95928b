import { strict as assert } from "node:assert";
import { test } from "node:test";
import { serverSettings } from "../src/settings";

function source(values: Record<string, unknown>) {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

test("defaults when nothing is set", () => {
  assert.deepEqual(serverSettings(source({})), {
    enable: true,
    select: [],
    ignore: [],
    severityOverrides: {},
    extraRecommendations: [],
  });
});

test("codes are normalised and bad values dropped", () => {
  const settings = serverSettings(
    source({
      enable: false,
      select: ["pd2", " PD301 ", 3, ""],
      ignore: "PD4",
      severityOverrides: { pd401: "Hint", PD201: "fatal" },
      extraRecommendations: ["ms-toolsai.jupyter", null],
    }),
  );
  assert.equal(settings.enable, false);
  assert.deepEqual(settings.select, ["PD2", "PD301"]);
  assert.deepEqual(settings.ignore, []);
  assert.deepEqual(settings.severityOverrides, { PD401: "hint" });
  assert.deepEqual(settings.extraRecommendations, ["ms-toolsai.jupyter"]);
});
