import { revokeApiKey } from "@/lib/api-keys/api-keys";
import { parsePathId } from "@/lib/http/body";
import { withAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = withAdmin<{ id: string }>(async ({ params }) => {
  await revokeApiKey(parsePathId(params.id, "No such API key."));
  return new Response(null, { status: 204 });
});
