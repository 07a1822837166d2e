import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { env } from "@/lib/env";

function createClient() {
  const adapter = new PrismaBetterSQLite3({ url: env.DATABASE_URL, timeout: 5000 });
  // The password hash is omitted from every query unless one asks for it by name.
  return new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
}

export type Db = ReturnType<typeof createClient>;

type DbGlobal = { __notifDb?: { client: Db; ready: Promise<void> } };
const g = globalThis as typeof globalThis & DbGlobal;

/** One client per process, shared by server.ts and every route bundle. */
function instance() {
  if (!g.__notifDb) {
    const client = createClient();
    // WAL lets readers (streams, counts) proceed while a writer commits.
    const ready = client
      .$queryRawUnsafe("PRAGMA journal_mode = WAL")
      .then(() => client.$queryRawUnsafe("PRAGMA synchronous = NORMAL"))
      .then(() => undefined);
    g.__notifDb = { client, ready };
  }
  return g.__notifDb;
}

export const db: Db = instance().client;
export const dbReady: Promise<void> = instance().ready;
