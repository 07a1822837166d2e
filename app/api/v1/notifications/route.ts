import { parseJson } from "@/lib/http/body";
import { withApiKey } from "@/lib/http/route";
import { sendMessage } from "@/lib/notifications/send-message";
import { sendMessageSchema } from "@/lib/notifications/send-message-schema";

export const dynamic = "force-dynamic";

/** Up to 1000 recipients of up to 254 characters, a 10,000-character body, JSON escaping. */
const MAX_BODY = 512 * 1024;

// Called by servers with an API key: no cookies, so no same-origin check (see withApiKey).
export const POST = withApiKey(async ({ req }) => {
  const input = await parseJson(req, sendMessageSchema, MAX_BODY);
  return Response.json(await sendMessage(input), { status: 201, headers: { "Cache-Control": "no-store" } });
});
