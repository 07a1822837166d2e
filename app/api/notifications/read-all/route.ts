import { withUser } from "@/lib/http/route";
import { readAll } from "@/lib/notifications/read-all";

export const POST = withUser(async ({ user }) => Response.json(await readAll(user.id)));
