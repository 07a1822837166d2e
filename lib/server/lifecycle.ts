// Shutdown hooks shared by server.ts and the route bundles (which register live streams).
import { processSingleton } from "./singleton";

type Hook = () => void | Promise<void>;
const state = processSingleton("lifecycle", () => ({
  hooks: new Set<Hook>(),
  drained: new Set<Hook>(),
  shuttingDown: false,
  drainedRan: false,
}));

/** Runs when shutdown begins: end live streams, stop timers. */
export function onShutdown(hook: Hook): () => void {
  state.hooks.add(hook);
  return () => state.hooks.delete(hook);
}

/**
 * Runs once the server has finished its last request, just before the process exits: for what
 * those requests may still use (the bus a late request publishes on).
 */
export function onDrained(hook: Hook): () => void {
  state.drained.add(hook);
  return () => state.drained.delete(hook);
}

async function runAll(hooks: Set<Hook>): Promise<void> {
  await Promise.all(
    [...hooks].map(async (h) => {
      try {
        await h();
      } catch (e) {
        console.error("[shutdown]", e);
      }
    }),
  );
}

/** Runs every shutdown hook once; errors are logged, never thrown. */
export async function runShutdown(): Promise<void> {
  if (state.shuttingDown) return;
  state.shuttingDown = true;
  await runAll(state.hooks);
}

/** Runs every drained hook once; errors are logged, never thrown. */
export async function runDrained(): Promise<void> {
  if (state.drainedRan) return;
  state.drainedRan = true;
  await runAll(state.drained);
}
