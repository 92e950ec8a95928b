// Timestamps of the client's steps, for finding where a keystroke's latency goes. Off unless
// PYPROJ_DOCTOR_TRACE names a file; the server appends its own steps to the same file, in the same
// columns and on the same clock (epoch milliseconds), so one keystroke's marks line up.
import * as fs from "node:fs";

const file = process.env.PYPROJ_DOCTOR_TRACE;

export const tracing = Boolean(file);

/** `<epoch ms> <ms since start> - extension-host <step> <details…>` (no CPU column here). */
export function mark(step: string, ...details: unknown[]): void {
  if (!file) {
    return;
  }
  const now = performance.now();
  const line = [(performance.timeOrigin + now).toFixed(2), now.toFixed(2), "-", "extension-host", step, ...details.map(String)];
  try {
    fs.appendFileSync(file, line.join(" ") + "\n");
  } catch {
    // A trace that cannot be written changes nothing for the user.
  }
}
