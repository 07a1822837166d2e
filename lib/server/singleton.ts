// server.ts (run by tsx) and each Next route bundle load their own copy of our modules,
// so per-process state must live on globalThis under one well-known key.
const store = ((globalThis as { __notifSingletons?: Map<string, unknown> }).__notifSingletons ??= new Map());

export function processSingleton<T>(key: string, create: () => T): T {
  if (!store.has(key)) store.set(key, create());
  return store.get(key) as T;
}

/** A singleton another bundle created (server.ts reads the hub that Next's instrumentation made). */
export function registered<T>(key: string): T | undefined {
  return store.get(key) as T | undefined;
}
