import "server-only";

/** A database that has not answered SELECT 1 by then counts as down: a hung pool must not hang the probe. */
export const DB_CHECK_TIMEOUT_MS = 2000;

export type Health = { ok: boolean; db: "ok" | "down"; bus: "ok" | "down" };

/** Answers within `timeoutMs` whatever the database does. */
async function answersWithin(probe: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      probe().then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The load balancer's view of this instance. (With SQLite the probe is synchronous and cannot hang
 * past the timeout; with PostgreSQL a stuck pool or network can, hence the race.)
 */
export async function checkHealth(probeDb: () => Promise<unknown>, busHealthy: () => boolean, timeoutMs = DB_CHECK_TIMEOUT_MS): Promise<Health> {
  const dbOk = await answersWithin(probeDb, timeoutMs);
  const busOk = busHealthy();
  return { ok: dbOk && busOk, db: dbOk ? "ok" : "down", bus: busOk ? "ok" : "down" };
}
