import "server-only";
import { z } from "zod";
import { ROLES, type Role } from "@/lib/auth/session-token";
import { db } from "@/lib/db/client";
import { databaseProvider } from "@/lib/env";

/** `GET /api/admin/users?q=&limit=`: a prefix of an email or a name, at most 10 answers. */
export const searchUsersQuery = z.object({
  q: z.string().trim().min(1, "Type at least one character.").max(100, "At most 100 characters."),
  limit: z.coerce.number().int().min(1).max(10).default(10),
});

export type UserMatch = { id: string; email: string; name: string; role: Role };

/** Above every character, so `[q, q + TOP)` holds exactly the strings that start with q. */
const TOP = "\u{10FFFF}";
const LIKE_WILDCARDS = /[%_\\]/;
const roleSchema = z.enum(ROLES).catch("user");

/** PostgreSQL's `startsWith` is case-sensitive (LIKE) unless asked; SQLite's LIKE ignores ASCII case. */
function nameStartsWith(q: string): { startsWith: string } {
  if (databaseProvider !== "postgresql") return { startsWith: q };
  // `mode` exists only in the PostgreSQL client's types; this module is typed against SQLite's.
  return { startsWith: q, mode: "insensitive" } as { startsWith: string };
}

/**
 * Accounts whose email or name starts with `q`, by email. Emails are stored in lowercase and
 * matched by an index range on SQLite (exact, no LIKE) and by `startsWith` on PostgreSQL, whose
 * collation does not put U+10FFFF above every string. Names are matched without regard to ASCII
 * case through `startsWith` (LIKE), which Prisma does not escape for `%` and `_` on SQLite: a query
 * holding one of those matches names by exact case there instead, so a wildcard never matches what
 * was not typed.
 */
export async function searchUsers(query: z.infer<typeof searchUsersQuery>): Promise<{ items: UserMatch[] }> {
  const lower = query.q.toLowerCase();
  const wildcard = LIKE_WILDCARDS.test(query.q);
  const byName = wildcard ? { name: { gte: query.q, lt: query.q + TOP } } : { name: nameStartsWith(query.q) };
  const byEmail = databaseProvider === "postgresql" && !wildcard ? { email: { startsWith: lower } } : { email: { gte: lower, lt: lower + TOP } };
  const rows = await db.user.findMany({
    where: { OR: [byEmail, byName] },
    orderBy: { email: "asc" },
    take: query.limit,
    select: { id: true, email: true, name: true, role: true },
  });
  return { items: rows.map((r) => ({ ...r, role: roleSchema.parse(r.role) })) };
}
