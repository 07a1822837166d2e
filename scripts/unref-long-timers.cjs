// Preload for the Prisma CLI: its wasm schema engine leaves a 60 s timer
// pending after each command. Unref timers of 30 s or more so commands exit at once.
const realSetTimeout = global.setTimeout;
global.setTimeout = function patchedSetTimeout(fn, ms, ...args) {
  const t = realSetTimeout(fn, ms, ...args);
  if (typeof ms === "number" && ms >= 30_000 && t && typeof t.unref === "function") t.unref();
  return t;
};
