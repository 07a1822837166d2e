import { afterEach, vi } from "vitest";

// Noise is a bug: a console.error during a test fails it.
const errors: unknown[][] = [];
vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
  errors.push(args);
});
afterEach(() => {
  if (errors.length) {
    const lines = errors.splice(0).map((a) => a.map(String).join(" "));
    throw new Error(`console.error was called:\n${lines.join("\n")}`);
  }
});
