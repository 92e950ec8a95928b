// The Output channel as the language client sees it: lines that are not errors (a normal exit,
// pygls' notes about cancelled requests) are dropped, and nothing is written once the channel
// is disposed (which VS Code reports as "Channel has been closed" when a window closes).
import type * as vscode from "vscode";

const NOISE = [/Server process exited with code 0\.?$/, /Cancel notification for unknown message id/];

/** True for a line that reports nothing wrong. */
export function isNoise(line: string): boolean {
  return NOISE.some((pattern) => pattern.test(line.trimEnd()));
}

export class QuietChannel implements vscode.OutputChannel {
  private pending = "";
  private closed = false;

  constructor(private readonly channel: vscode.OutputChannel) {}

  get name(): string {
    return this.channel.name;
  }

  append(value: string): void {
    // Server stderr arrives in chunks: judge whole lines only.
    this.pending += value;
    const end = this.pending.lastIndexOf("\n");
    if (end < 0) {
      return;
    }
    const complete = this.pending.slice(0, end + 1);
    this.pending = this.pending.slice(end + 1);
    const kept = complete
      .split("\n")
      .slice(0, -1)
      .filter((line) => !isNoise(line));
    if (kept.length) {
      this.write(kept.join("\n") + "\n");
    }
  }

  appendLine(value: string): void {
    if (!isNoise(value)) {
      this.write(value + "\n");
    }
  }

  replace(value: string): void {
    if (!this.closed) {
      this.channel.replace(value);
    }
  }

  clear(): void {
    if (!this.closed) {
      this.channel.clear();
    }
  }

  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(first?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (this.closed) {
      return;
    }
    if (typeof first === "boolean") {
      this.channel.show(first);
    } else {
      this.channel.show(first, preserveFocus);
    }
  }

  hide(): void {
    if (!this.closed) {
      this.channel.hide();
    }
  }

  dispose(): void {
    this.closed = true;
    this.channel.dispose();
  }

  private write(text: string): void {
    if (!this.closed) {
      this.channel.append(text);
    }
  }
}
