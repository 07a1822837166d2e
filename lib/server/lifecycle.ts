// Shutdown hooks shared by server.ts and the route bundles (which register live streams).
import { processSingleton } from "./singleton";

type Hook = () => void | Promise<void>;
const state = processSingleton("lifecycle", () => ({ hooks: new Set<Hook>(), shuttingDown: false }));

export function onShutdown(hook: Hook): () => void {
  state.hooks.add(hook);
  return () => state.hooks.delete(hook);
}

/** Runs every hook once; errors are logged, never thrown. */
export async function runShutdown(): Promise<void> {
  if (state.shuttingDown) return;
  state.shuttingDown = true;
  await Promise.all(
    [...state.hooks].map(async (h) => {
      try {
        await h();
      } catch (e) {
        console.error("[shutdown]", e);
      }
    }),
  );
}
