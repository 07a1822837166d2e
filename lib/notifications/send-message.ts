import "server-only";
import { AppError } from "@/lib/http/errors";
import { notify } from "./notify";
import { findRecipients } from "./recipients";
import type { SendMessageInput } from "./send-message-schema";

/**
 * A `message` to listed users (emails or user ids), through the one producer entry point, so it is
 * delivered live. All recipients must exist, else nothing is written and 422 names the unknown ones.
 * One notification per distinct user, in the order of `to` (a user named twice, even once by email
 * and once by id, receives it once); returns their ids in that order.
 */
export async function sendMessage(input: SendMessageInput): Promise<{ ids: string[] }> {
  const emails = [...new Set(input.to.filter((r) => r.type === "email").map((r) => r.value))];
  const ids = [...new Set(input.to.filter((r) => r.type === "id").map((r) => r.value))];
  const users = await findRecipients(emails, ids);
  const byEmail = new Map(users.map((u) => [u.email, u.id]));
  const byId = new Set(users.map((u) => u.id));

  const userIds = new Set<string>(); // insertion-ordered
  const unknown = new Set<string>();
  for (const r of input.to) {
    const userId = r.type === "email" ? byEmail.get(r.value) : byId.has(r.value) ? r.value : undefined;
    if (userId === undefined) unknown.add(r.value);
    else userIds.add(userId);
  }
  if (unknown.size) {
    const names = [...unknown].join(", ");
    throw new AppError("validation_failed", `Unknown recipients: ${names}`, { fields: { to: `Unknown: ${names}` } });
  }
  const rows = await notify({
    userIds: [...userIds],
    kind: "message",
    title: input.title,
    body: input.body,
    link: input.link ?? null,
  });
  return { ids: rows.map((r) => r.id) };
}
