import "server-only";
import { z } from "zod";
import { ROLES, type Role } from "@/lib/auth/session-token";
import { db } from "@/lib/db/client";

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

/**
 * Accounts whose email or name starts with `q`, by email. Emails are stored in lowercase and
 * matched by an index range (exact, no LIKE). Names are matched without regard to ASCII case
 * through `startsWith` (LIKE on SQLite), which does not escape `%` and `_`: a query holding one of
 * those matches names by exact case instead, so a wildcard never matches what was not typed.
 */
export async function searchUsers(query: z.infer<typeof searchUsersQuery>): Promise<{ items: UserMatch[] }> {
  const lower = query.q.toLowerCase();
  const byName = LIKE_WILDCARDS.test(query.q) ? { name: { gte: query.q, lt: query.q + TOP } } : { name: { startsWith: query.q } };
  const rows = await db.user.findMany({
    where: { OR: [{ email: { gte: lower, lt: lower + TOP } }, byName] },
    orderBy: { email: "asc" },
    take: query.limit,
    select: { id: true, email: true, name: true, role: true },
  });
  return { items: rows.map((r) => ({ ...r, role: roleSchema.parse(r.role) })) };
}
