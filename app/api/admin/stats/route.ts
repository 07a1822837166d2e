import { liveStats } from "@/lib/admin/live-stats";
import { withAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Open live connections on this instance, by transport, for the /admin dashboard. */
export const GET = withAdmin(async () => Response.json(liveStats(), { headers: { "Cache-Control": "no-store" } }));
