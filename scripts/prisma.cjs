// Runs the Prisma CLI with the JS schema engine. The wasm engine leaves a 60 s
// timer pending after each command; unref long timers so commands exit at once.
const realSetTimeout = global.setTimeout;
global.setTimeout = function patchedSetTimeout(fn, ms, ...args) {
  const t = realSetTimeout(fn, ms, ...args);
  if (typeof ms === "number" && ms >= 30_000 && t && typeof t.unref === "function") t.unref();
  return t;
};
process.argv = [process.argv[0], require.resolve("prisma/build/index.js"), ...process.argv.slice(2)];
require("prisma/build/index.js");
