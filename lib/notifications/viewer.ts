import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { sql } from "@/lib/db/client";
import { asDate, type RawDate } from "@/lib/db/raw";
import { processSingleton } from "@/lib/server/singleton";

/** Who is looking: what decides which broadcast rows (announcements to everyone or a role) they see. */
export type Viewer = { id: string; role: string; createdAt: Date };

const TTL_MS = 15_000;
const MAX_ENTRIES = 50_000;
const cache = processSingleton("viewer-cache", () => new Map<string, { viewer: Viewer | null; at: number }>());

/**
 * The viewer for a user id, cached briefly: every flush and count needs it, and role and sign-up
 * time change rarely (a role change shows in broadcasts within TTL_MS).
 */
export async function viewerOf(userId: string): Promise<Viewer | null> {
  const hit = cache.get(userId);
  const now = Date.now();
  if (hit && now - hit.at < TTL_MS) return hit.viewer;
  const [row] = await sql.query<RawViewer>(Prisma.sql`SELECT id, role, "createdAt" FROM "User" WHERE id = ${userId}`);
  const viewer = row ? asViewer(row) : null;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(userId, { viewer, at: now });
  return viewer;
}

type RawViewer = { id: string; role: string; createdAt: RawDate };
const asViewer = (r: RawViewer): Viewer => ({ id: r.id, role: r.role, createdAt: asDate(r.createdAt) });

/**
 * Viewers for many users at once (the broadcast fast path), in one statement per 500. Users who no
 * longer exist are absent from the map. `roles` true: read from the database now (who is in a
 * role's audience is the database's call at the time of the broadcast). `roles` false: the caller
 * only needs sign-up times, which never change, so any cached entry will do however old.
 */
export async function viewersOf(userIds: readonly string[], opts: { roles: boolean }): Promise<Map<string, Viewer>> {
  const out = new Map<string, Viewer>();
  const now = Date.now();
  const missing: string[] = [];
  for (const id of userIds) {
    const hit = cache.get(id);
    if (hit && !opts.roles) {
      if (hit.viewer) out.set(id, hit.viewer);
    } else missing.push(id);
  }
  for (let i = 0; i < missing.length; i += 500) {
    const chunk = missing.slice(i, i + 500);
    const rows = await sql.query<RawViewer>(Prisma.sql`SELECT id, role, "createdAt" FROM "User" WHERE id IN (${Prisma.join(chunk)})`);
    if (cache.size + chunk.length > MAX_ENTRIES) cache.clear();
    const found = new Map(rows.map((r) => [r.id, asViewer(r)]));
    for (const id of chunk) {
      const viewer = found.get(id) ?? null;
      cache.set(id, { viewer, at: now });
      if (viewer) out.set(id, viewer);
    }
  }
  return out;
}

/** Broadcast rows this viewer can see (not hidden by them). */
export function broadcastsFor(v: Viewer): Prisma.NotificationWhereInput {
  return {
    userId: null,
    createdAt: { gte: v.createdAt },
    OR: [{ audienceRole: null }, { audienceRole: v.role }],
    receipts: { none: { userId: v.id, hiddenAt: { not: null } } },
  };
}

/** Broadcast rows this viewer can see and has not read. */
export function unreadBroadcastsFor(v: Viewer): Prisma.NotificationWhereInput {
  return {
    userId: null,
    createdAt: { gte: v.createdAt },
    OR: [{ audienceRole: null }, { audienceRole: v.role }],
    receipts: { none: { userId: v.id, OR: [{ hiddenAt: { not: null } }, { readAt: { not: null } }] } },
  };
}
