import { revokeApiKey } from "@/lib/api-keys/api-keys";
import { AppError } from "@/lib/http/errors";
import { withAdmin } from "@/lib/http/route";
import { idParam } from "@/lib/notifications/schemas";

export const dynamic = "force-dynamic";

export const DELETE = withAdmin<{ id: string }>(async ({ params }) => {
  const id = idParam.safeParse(params.id);
  if (!id.success) throw new AppError("not_found");
  await revokeApiKey(id.data);
  return new Response(null, { status: 204 });
});
