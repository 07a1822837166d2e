import { searchUsers, searchUsersQuery } from "@/lib/admin/search-users";
import { parseQuery } from "@/lib/http/body";
import { withAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Recipient autocomplete for /admin: accounts by email or name prefix. */
export const GET = withAdmin(async ({ req }) =>
  Response.json(await searchUsers(parseQuery(req.url, searchUsersQuery)), { headers: { "Cache-Control": "no-store" } }),
);
