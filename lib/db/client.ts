import "server-only";
import { env, databaseProvider } from "@/lib/env";
import { createAppClient } from "./create";

const createClient = () => createAppClient(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE });

export type Db = ReturnType<typeof createClient>;

async function enableWal(client: ReturnType<typeof createClient>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
      await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
      return;
    } catch (e) {
      if (attempt >= 20) {
        console.error("[db] could not switch SQLite to WAL; continuing in its current journal mode", e);
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

type DbGlobal = { __notifDb?: Db };
const g = globalThis as typeof globalThis & DbGlobal;

/** One client per process, shared by server.ts and every route bundle. */
function instance() {
  if (!g.__notifDb) {
    const client = createClient();
    // WAL lets readers (streams, counts) proceed while a writer commits. Another process writing the
    // file at start-up makes the pragma fail with SQLITE_BUSY: retry rather than run without WAL.
    if (databaseProvider === "sqlite") void enableWal(client);
    g.__notifDb = client;
  }
  return g.__notifDb;
}

export const db: Db = instance();
