// The body of POST /api/v1/notifications (a backend sends a message to listed users).
import { z } from "zod";
import { bodySchema, linkSchema, titleSchema } from "./schemas";

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const email = z.email();

export type Recipient = { type: "email"; value: string } | { type: "id"; value: string };

/** One recipient: an email address (compared lowercase) or a user id (as given). */
export const recipientSchema = z
  .string()
  .trim()
  .min(1, "Required.")
  .max(254, "At most 254 characters.")
  .transform((s, ctx): Recipient => {
    if (s.includes("@")) {
      const lower = s.toLowerCase();
      if (email.safeParse(lower).success) return { type: "email", value: lower };
    } else if (USER_ID.test(s)) {
      return { type: "id", value: s };
    }
    ctx.addIssue({ code: "custom", message: "Use an email address or a user id." });
    return z.NEVER;
  });

export const MAX_RECIPIENTS = 1000;

export const sendMessageSchema = z.object({
  to: z.array(recipientSchema).min(1, "List at least one recipient.").max(MAX_RECIPIENTS, `At most ${MAX_RECIPIENTS} recipients.`),
  title: titleSchema,
  body: bodySchema,
  link: linkSchema.optional(),
});

export type SendMessageInput = z.infer<typeof sendMessageSchema>;

