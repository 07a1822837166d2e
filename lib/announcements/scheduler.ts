import "server-only";
import { onShutdown } from "@/lib/server/lifecycle";
import { processSingleton } from "@/lib/server/singleton";
import { publishDue } from "./publish";

const TICK_MS = 1000;

/** Publishes scheduled announcements when due; started once per process from instrumentation.ts. */
export function startScheduler(): void {
  processSingleton("scheduler", () => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      publishDue()
        .catch((e: unknown) => console.error("[scheduler]", e))
        .finally(() => {
          running = false;
        });
    }, TICK_MS);
    timer.unref();
    onShutdown(() => clearInterval(timer));
    return timer;
  });
}
