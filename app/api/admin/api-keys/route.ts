import { createApiKey, listApiKeys } from "@/lib/api-keys/api-keys";
import { createApiKeySchema } from "@/lib/api-keys/schemas";
import { parseJson } from "@/lib/http/body";
import { withAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

export const GET = withAdmin(async () => Response.json(await listApiKeys(), { headers: NO_STORE }));

// The answer holds the key in clear, the only time it is ever shown: never cache it.
export const POST = withAdmin(async ({ req, user }) => {
  const input = await parseJson(req, createApiKeySchema, 4 * 1024);
  return Response.json(await createApiKey(user.id, input), { status: 201, headers: NO_STORE });
});
